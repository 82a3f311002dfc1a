"""reviews: ratings and reviews of bought goods, store service scores (DSR), and protection from malicious reviewers."""
