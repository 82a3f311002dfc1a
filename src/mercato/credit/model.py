"""credit model: the pure, explainable credit score."""
