"""aftersales model: the pure rules of refunds, returns and disputes."""
