"""All tables; importing this package registers them on ``SQLModel.metadata``."""
from oncall.store.models.audit import AuditEntry
from oncall.store.models.connectors import TicketConnector, TicketNote
from oncall.store.models.engine import EngineHeartbeat
from oncall.store.models.incidents import (
    Incident,
    IncidentStatus,
    Notification,
    NotificationStatus,
    TimelineEntry,
)
from oncall.store.models.integrations import InboundEvent, Integration, WebhookDelivery
from oncall.store.models.people import ApiToken, Role, Setting, User
from oncall.store.models.policies import EscalationLevel, EscalationPolicy, EscalationTarget
from oncall.store.models.rotations import Layer, LayerMember, LayerVersion, Override, Rotation
from oncall.store.models.sla import SlaBreach, SlaTarget
from oncall.store.models.teams import BusinessHours, BusinessWindow, Holiday, Team, TeamMember

__all__ = [
    "ApiToken", "AuditEntry", "EngineHeartbeat", "BusinessHours", "BusinessWindow", "EscalationLevel",
    "EscalationPolicy", "EscalationTarget", "Holiday", "InboundEvent", "Incident",
    "IncidentStatus", "Integration", "Layer", "LayerMember", "LayerVersion", "Notification",
    "NotificationStatus", "Override", "Role", "Rotation", "Setting", "SlaBreach", "SlaTarget", "Team", "TeamMember",
    "TicketConnector", "TicketNote", "TimelineEntry", "User", "WebhookDelivery",
]
