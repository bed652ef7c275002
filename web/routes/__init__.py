"""Every page router. Writing comes before reading, so /stories/new is not a story id."""

from web.routes import (
    account,
    admin,
    admin_audit,
    admin_privacy,
    admin_users,
    auth,
    consent,
    deidentified,
    msc_admin,
    msc_decisions,
    msc_facilitator,
    msc_panel,
    msc_setup,
    msc_verification,
    stories,
    writing,
)

ROUTERS = [
    auth.router,
    writing.router,
    stories.router,
    consent.router,
    deidentified.router,
    msc_panel.router,
    account.router,
    admin.router,
    admin_users.router,
    admin_audit.router,
    admin_privacy.router,
    msc_admin.router,
    msc_facilitator.router,
    msc_decisions.router,
    msc_setup.router,
    msc_verification.router,
]
