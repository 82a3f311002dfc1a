"""credit: the consumer credit rating, a pure explainable score over the consumer's own history, and the
quick-refund terms each tier earns."""
