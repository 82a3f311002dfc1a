"""Context-free pieces every capability shares: money, clock, ids, errors, the database and the unit of work."""
