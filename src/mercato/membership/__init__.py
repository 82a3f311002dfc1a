"""Membership: the paid yearly membership, the monthly saving card, red-envelope campaigns and invitations."""
