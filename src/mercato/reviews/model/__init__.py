"""reviews model: the pure rules of reviews, store ratings and abuse detection."""
