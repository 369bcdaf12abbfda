"""SQLModel tables and their queries. Importing this package registers every table on the metadata.

May import bot.core and the domain packages (queries apply their rules), never bot.infra or telegram.
"""

from sqlmodel import SQLModel

from models.audit import AuditEntry
from models.broadcast import Broadcast, BroadcastDelivery
from models.data_key import DataKeyState
from models.discount import DiscountPeriod
from models.enrollment import EnrollmentApplication
from models.flow import FlowState
from models.pledge import Pledge, PledgeBeneficiary, PledgeMonth, PledgePayment, PledgeWorkerMonth
from models.reminder import Reminder
from models.support import SupportTicket
from models.user import ROLE_ADMIN, ROLE_USER, User, UserProfile

metadata = SQLModel.metadata

__all__ = ["metadata", "EnrollmentApplication", "FlowState", "Pledge", "PledgeBeneficiary", "PledgeMonth", "PledgePayment", "PledgeWorkerMonth", "Reminder", "AuditEntry", "Broadcast", "BroadcastDelivery", "DataKeyState", "DiscountPeriod", "SupportTicket", "User", "UserProfile", "ROLE_ADMIN", "ROLE_USER"]
