"""aftersales: refunds, returns, disputes and quick refunds, with the money moved through payments' ledger."""
