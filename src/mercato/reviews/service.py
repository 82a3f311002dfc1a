"""reviews use cases."""

from mercato.kernel.jobs import Handler

JOB_HANDLERS: dict[str, Handler] = {}
