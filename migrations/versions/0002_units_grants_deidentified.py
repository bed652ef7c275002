"""organisational units, grants per unit, de-identified story versions

Sites become units at the "site" level of a tree (site -> region -> programme). The free
text `sites.region` becomes a region unit under one programme unit. Roles and sites, two
unrelated lists until now, become grants (user, role, unit): every role a person held
is granted at every site they held, which is exactly the access they had (an admin then
narrows it); the admin role is granted at the programme unit. A non-admin role held with
no site gave no access; it is recorded in the audit log as not migrated.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 08:10:00
"""

from collections.abc import Sequence
from typing import Any
from unicodedata import normalize

import sqlalchemy as sa
from alembic import op

import storybank.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROOT_NAME = "Programme"


def _key(name: str) -> str:
    return normalize("NFKC", name).casefold().strip()


def _create_tables() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name=op.f("fk_units_parent_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("name_key", name=op.f("uq_units_name_key")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_units_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_units_parent_id"), ["parent_id"], unique=False)
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_grants_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
        sa.UniqueConstraint(
            "user_id", "role", "unit_id", name=op.f("uq_grants_user_id_role_unit_id")
        ),
    )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grants_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grants_user_id"), ["user_id"], unique=False)
    op.create_table(
        "story_deidentified",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("what_mattered", sa.Text(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("what_changed", sa.Text(), nullable=False),
        sa.Column("before_cls", sa.Text(), nullable=False),
        sa.Column("why_significant", sa.Text(), nullable=False),
        sa.Column("community_solutions", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", storybank.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_story_deidentified_confirmed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_deidentified_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_story_deidentified_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("story_id", name=op.f("pk_story_deidentified")),
    )
    with op.batch_alter_table("story_deidentified", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_story_deidentified_confirmed_at"), ["confirmed_at"], unique=False
        )


def _fix_sequence(table: str) -> None:
    """After rows were inserted with explicit ids, move PostgreSQL's sequence past them."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def _insert(table: str, values: dict[str, Any]) -> int:
    bind = op.get_bind()
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    result = bind.execute(
        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id"), values
    )
    return int(result.scalar_one())


def _units_from_sites() -> int | None:
    """Copy sites into units (same ids) under region units and a programme; the root id."""
    bind = op.get_bind()
    old = sa.table(
        "sites",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("region", sa.String),
        sa.column("created_at", storybank.models.base.UTCDateTime(timezone=True)),
    )
    sites = bind.execute(sa.select(old.c.id, old.c.name, old.c.region, old.c.created_at)).all()
    users = bind.execute(sa.text("SELECT COUNT(*) FROM users")).scalar_one()
    if not sites and not users:
        return None
    used: set[str] = set()

    def unique_name(name: str) -> str:
        candidate, n = name, 2
        while _key(candidate) in used:
            candidate, n = f"{name} ({n})", n + 1
        used.add(_key(candidate))
        return candidate

    units = sa.table(
        "units",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("name_key", sa.String),
        sa.column("level", sa.String),
        sa.column("parent_id", sa.Integer),
        sa.column("created_at", storybank.models.base.UTCDateTime(timezone=True)),
    )
    for site_id, name, _region, created in sites:
        name = unique_name(name)
        bind.execute(
            units.insert().values(
                id=site_id, name=name, name_key=_key(name), level="site", created_at=created
            )
        )
    _fix_sequence("units")
    now = storybank.models.base.utcnow()
    root_name = unique_name(ROOT_NAME)
    root = _root_id = bind.execute(
        units.insert()
        .values(name=root_name, name_key=_key(root_name), level="programme", created_at=now)
        .returning(units.c.id)
    ).scalar_one()
    regions: dict[str, int] = {}
    for site_id, _name, region, _created in sites:
        region = (region or "").strip()
        parent = root
        if region:
            if _key(region) not in regions:
                name = unique_name(region)
                regions[_key(region)] = bind.execute(
                    units.insert()
                    .values(
                        name=name,
                        name_key=_key(name),
                        level="region",
                        parent_id=root,
                        created_at=now,
                    )
                    .returning(units.c.id)
                ).scalar_one()
            parent = regions[_key(region)]
        bind.execute(units.update().where(units.c.id == site_id).values(parent_id=parent))
    return int(_root_id)


def _grants_from_memberships(root: int | None) -> None:
    bind = op.get_bind()
    roles = bind.execute(sa.text("SELECT user_id, role FROM user_roles")).all()
    sites: dict[int, list[int]] = {}
    for user_id, site_id in bind.execute(sa.text("SELECT user_id, site_id FROM user_sites")).all():
        sites.setdefault(user_id, []).append(site_id)
    grants = sa.table(
        "grants",
        sa.column("user_id", sa.Integer),
        sa.column("role", sa.String),
        sa.column("unit_id", sa.Integer),
        sa.column("created_at", storybank.models.base.UTCDateTime(timezone=True)),
    )
    events = sa.table(
        "audit_events",
        sa.column("at", storybank.models.base.UTCDateTime(timezone=True)),
        sa.column("action", sa.String),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.String),
        sa.column("details", sa.JSON),
    )
    now = storybank.models.base.utcnow()
    for user_id, role in roles:
        units = [root] if role == "admin" else sorted(sites.get(user_id, []))
        for unit_id in units:
            bind.execute(
                grants.insert().values(user_id=user_id, role=role, unit_id=unit_id, created_at=now)
            )
        if not units:
            bind.execute(
                events.insert().values(
                    at=now,
                    action="grant.not_migrated",
                    entity="user",
                    entity_id=str(user_id),
                    details={"role": role, "why": "the role was held with no site"},
                )
            )


def upgrade() -> None:
    _create_tables()
    root = _units_from_sites()
    _grants_from_memberships(root)
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_constraint("fk_stories_site_id_sites", type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_stories_site_id_units"), "units", ["site_id"], ["id"]
        )
    op.drop_table("user_sites")
    op.drop_table("user_roles")
    op.drop_table("sites")


def downgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=False),
        sa.Column("created_at", storybank.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_sites_name")),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    op.create_table(
        "user_sites",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_user_sites_site_id_sites"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sites_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "site_id", name=op.f("pk_user_sites")),
    )
    bind = op.get_bind()
    units = {
        row.id: row
        for row in bind.execute(sa.text("SELECT id, name, level, parent_id, created_at FROM units"))
    }
    for unit in units.values():
        if unit.level == "site":
            parent = units.get(unit.parent_id)
            region = parent.name if parent is not None and parent.level == "region" else ""
            bind.execute(
                sa.text("INSERT INTO sites (id, name, region, created_at) VALUES (:i, :n, :r, :c)"),
                {"i": unit.id, "n": unit.name, "r": region, "c": unit.created_at},
            )
    children: dict[int, list[int]] = {}
    for unit in units.values():
        if unit.parent_id is not None:
            children.setdefault(unit.parent_id, []).append(unit.id)

    def sites_below(unit_id: int) -> set[int]:
        found = {unit_id} if units[unit_id].level == "site" else set()
        for child in children.get(unit_id, []):
            found |= sites_below(child)
        return found

    roles: set[tuple[int, str]] = set()
    memberships: set[tuple[int, int]] = set()
    for user_id, role, unit_id in bind.execute(
        sa.text("SELECT user_id, role, unit_id FROM grants")
    ):
        roles.add((user_id, role))
        if role != "admin":
            memberships |= {(user_id, site) for site in sites_below(unit_id)}
    for user_id, role in sorted(roles):
        bind.execute(
            sa.text("INSERT INTO user_roles (user_id, role) VALUES (:u, :r)"),
            {"u": user_id, "r": role},
        )
    for user_id, site_id in sorted(memberships):
        bind.execute(
            sa.text("INSERT INTO user_sites (user_id, site_id) VALUES (:u, :s)"),
            {"u": user_id, "s": site_id},
        )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_constraint("fk_stories_site_id_units", type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_stories_site_id_sites"), "sites", ["site_id"], ["id"]
        )
    with op.batch_alter_table("story_deidentified", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_deidentified_confirmed_at"))
    op.drop_table("story_deidentified")
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grants_user_id"))
        batch_op.drop_index(batch_op.f("ix_grants_unit_id"))
    op.drop_table("grants")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_parent_id"))
        batch_op.drop_index(batch_op.f("ix_units_level"))
    op.drop_table("units")
    _fix_sequence("sites")
