"""An application's life at the branch office: sent by the worker, then registered (with a KPJ number) or
rejected (with a reason). The one vocabulary for the table, the exports and the dashboard."""

SUBMITTED, REGISTERED, REJECTED = "submitted", "registered", "rejected"
APPLICATION_STATUSES = (SUBMITTED, REGISTERED, REJECTED)
