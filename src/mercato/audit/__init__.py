"""The audit log of privileged actions (operators approving, suspending, changing platform rules)."""
