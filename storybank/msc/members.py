"""A round's panel: members with accounts, and guest members.

A guest is a user made for one round (no password, an address nobody can receive mail
at), flagged `is_guest` on their membership. The facilitator is shown a one-time code
once (only its hash is kept); redeeming it starts a login session for that guest, who
reaches nothing but that round's reading pack and their own ballots (they hold no grant
and sit on no other round). Closing the round disables the guest account, ends its
sessions and revokes any API token it made. Wrong codes count towards the same
throttling as wrong passwords, per address.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.accounts import (
    GUEST_EMAIL_DOMAIN,
    end_all_sessions,
    find_user_by_email,
    revoke_all_tokens,
)
from storybank.accounts.logins import record_failed_password, refuse_if_throttled
from storybank.audit import record_event
from storybank.config import Settings
from storybank.errors import Conflict, FieldProblem, InvalidInput, NotFound
from storybank.models import (
    RoundMember,
    RoundState,
    SelectionRound,
    User,
    require_id,
    utcnow,
)
from storybank.msc.rounds import hold_round_in, reach, require_insider, require_runner

# No 0/O, 1/I/L: read aloud or copied from paper without mistakes. 12 characters ~ 59 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
WRONG_CODE = "That code is unknown, already used, or its round has closed."
OPEN_FOR_MEMBERS = (RoundState.draft, RoundState.reading, RoundState.voting)
BEFORE_VOTING = (RoundState.draft, RoundState.reading)


@dataclass
class MemberView:
    """A panel member as the facilitator and the panel see them (never a guest's code)."""

    id: int
    user_id: int
    display_name: str
    is_guest: bool
    code_used: bool
    added_at: object


def _view(member: RoundMember, name: str) -> MemberView:
    return MemberView(
        id=require_id(member),
        user_id=member.user_id,
        display_name=name,
        is_guest=member.is_guest,
        code_used=member.code_used_at is not None,
        added_at=member.added_at,
    )


def list_members(*, session: Session, actor: Actor, round_id: int) -> list[MemberView]:
    """The round's panel, by name (its facilitator and members with accounts)."""
    require_insider(reach(session=session, actor=actor, round_id=round_id))
    rows = session.exec(
        select(RoundMember, User.display_name)
        .join(User, col(User.id) == RoundMember.user_id)
        .where(RoundMember.round_id == round_id)
        .order_by(col(User.display_name), col(RoundMember.id))
    ).all()
    return [_view(member, name) for member, name in rows]


def add_member(*, session: Session, actor: Actor, round_id: int, user_id: int) -> MemberView:
    """Put a person with an account on the round's panel (its facilitator)."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    user = session.get(User, user_id)
    if user is None or not user.is_active or _is_guest_elsewhere(session, user_id):
        raise InvalidInput(
            "Choose an active person with an account (a guest belongs to one round only).",
            problems=[FieldProblem("user_id", "No such active person.")],
        )
    hold_round_in(session, found.round, *OPEN_FOR_MEMBERS, doing="change the panel")
    if any(m.user_id == user_id for m in _members(session, round_id)):
        session.rollback()
        raise Conflict(f"{user.display_name} is already on this panel.", code="duplicate_member")
    member = RoundMember(round_id=round_id, user_id=user_id, added_by_id=actor.id)
    session.add(member)
    session.flush()
    _audit(session, actor, found.round, "msc.member.add", {"member_id": member.id})
    session.commit()
    return _view(member, user.display_name)


def add_member_by_email(*, session: Session, actor: Actor, round_id: int, email: str) -> MemberView:
    """Put the person with an account at this email address on the panel."""
    user = find_user_by_email(session=session, email=email)
    if user is None:
        message = "There is no account with this email address."
        raise InvalidInput(message, problems=[FieldProblem("email", message)])
    return add_member(session=session, actor=actor, round_id=round_id, user_id=require_id(user))


def add_guest(
    *, session: Session, actor: Actor, round_id: int, guest_name: str
) -> tuple[MemberView, str]:
    """Add a guest member; returns the one-time sign-in code, which is never shown again."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    name = guest_name.strip()
    if not 1 <= len(name) <= 120 or any(ord(char) < 32 for char in name):
        raise InvalidInput(
            "Give the guest a name of 1 to 120 characters.",
            problems=[FieldProblem("guest_name", "1 to 120 characters.")],
        )
    hold_round_in(session, found.round, *OPEN_FOR_MEMBERS, doing="change the panel")
    code = _new_code()
    user = User(email=f"guest-{secrets.token_hex(8)}@{GUEST_EMAIL_DOMAIN}", display_name=name)
    session.add(user)
    session.flush()
    member = RoundMember(
        round_id=round_id,
        user_id=require_id(user),
        is_guest=True,
        guest_code_hash=_code_digest(code),
        added_by_id=actor.id,
    )
    session.add(member)
    session.flush()
    _audit(session, actor, found.round, "msc.member.add_guest", {"member_id": member.id})
    session.commit()
    return _view(member, name), _shown_code(code)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _shown_code(code: str) -> str:
    """A code as the facilitator reads it out: three groups of four."""
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def reissue_guest_code(
    *, session: Session, actor: Actor, round_id: int, member_id: int
) -> tuple[MemberView, str]:
    """A new one-time code for a guest (its facilitator): the old code and link stop
    working, and any session started with them ends."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    member = get_member(session, round_id, member_id)
    user = session.get(User, member.user_id)
    if not member.is_guest or user is None:
        raise Conflict(
            "Only a guest member has a sign-in code; people with accounts sign in as usual.",
            code="not_a_guest",
        )
    hold_round_in(session, found.round, *OPEN_FOR_MEMBERS, doing="re-issue a guest's code")
    code = _new_code()
    member.guest_code_hash, member.code_used_at = _code_digest(code), None
    session.add(member)
    end_all_sessions(session=session, user_id=member.user_id)
    revoke_all_tokens(session=session, user_id=member.user_id, actor=actor.user)
    _audit(session, actor, found.round, "msc.member.reissue_code", {"member_id": member.id})
    session.commit()
    return _view(member, user.display_name), _shown_code(code)


def remove_member(*, session: Session, actor: Actor, round_id: int, member_id: int) -> None:
    """Take a member off the panel before voting opens (its facilitator); a guest's
    account ends with it."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    member = get_member(session, round_id, member_id)
    hold_round_in(session, found.round, *BEFORE_VOTING, doing="take a member off the panel")
    if member.is_guest:
        _end_guest(session, actor, member)
    session.delete(member)
    _audit(session, actor, found.round, "msc.member.remove", {"member_id": member_id})
    session.commit()


def _code_digest(code: str) -> str:
    """How a guest code is kept: the SHA-256 of its normalised form. A code is random
    (about 60 bits), used once and ends with its round, so a plain hash suffices."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    """A code as typed: capitals, without spaces or dashes."""
    return "".join(char for char in code.upper() if char.isalnum())


def redeem_guest_code(*, session: Session, settings: Settings, code: str, address: str) -> User:
    """The guest behind a one-time code, which is used up; 401 for a wrong, used or
    expired code (throttled per address like wrong passwords)."""
    throttle_key = f"guest-code:{address[:40]}"
    refuse_if_throttled(session=session, settings=settings, email=throttle_key, address=address)
    member = session.exec(
        select(RoundMember).where(RoundMember.guest_code_hash == _code_digest(code))
    ).first()
    found = session.get(SelectionRound, member.round_id) if member else None
    user = session.get(User, member.user_id) if member else None
    if member is None or found is None or user is None or not _redeemable(member, found, user):
        record_failed_password(
            session=session,
            email=throttle_key,
            address=address,
            user=None,
            actor=None,
            action="msc.guest_code_failed",
        )
        session.commit()
        raise InvalidInput(WRONG_CODE, code="guest_code_failed", status=401)
    member.code_used_at = utcnow()
    session.add(member)
    record_event(
        session=session,
        actor=user,
        action="msc.member.guest_signed_in",
        entity="msc_round",
        entity_id=found.id,
    )
    session.commit()
    return user


def _redeemable(member: RoundMember, found: SelectionRound, user: User) -> bool:
    return (
        member.is_guest
        and member.code_used_at is None
        and found.state != RoundState.closed
        and user.is_active
    )


def end_guest_access(*, session: Session, actor: Actor, round_id: int) -> int:
    """Disable the round's guests, end their sessions and revoke their tokens; the caller
    commits. Returns how many guests there were."""
    guests = [m for m in _members(session, round_id) if m.is_guest]
    for member in guests:
        _end_guest(session, actor, member)
    return len(guests)


def _end_guest(session: Session, actor: Actor, member: RoundMember) -> None:
    """Disable a guest's account, end its sessions and revoke its tokens (caller commits)."""
    user = session.get(User, member.user_id)
    if user is not None:
        user.is_active = False
        session.add(user)
    end_all_sessions(session=session, user_id=member.user_id)
    revoke_all_tokens(session=session, user_id=member.user_id, actor=actor.user)


def get_member(session: Session, round_id: int, member_id: int) -> RoundMember:
    """A member of this round by membership id, or NotFound."""
    member = session.get(RoundMember, member_id)
    if member is None or member.round_id != round_id:
        raise NotFound(f"There is no member with id {member_id} on this round.")
    return member


def _members(session: Session, round_id: int) -> list[RoundMember]:
    return list(session.exec(select(RoundMember).where(RoundMember.round_id == round_id)).all())


def _is_guest_elsewhere(session: Session, user_id: int) -> bool:
    query = select(RoundMember.id).where(RoundMember.user_id == user_id, col(RoundMember.is_guest))
    return session.exec(query).first() is not None


def _audit(
    session: Session, actor: Actor, found: SelectionRound, action: str, details: dict[str, object]
) -> None:
    record_event(
        session=session,
        actor=actor.user,
        action=action,
        entity="msc_round",
        entity_id=found.id,
        details=details,
    )


def guest_round_id(*, session: Session, user_id: int) -> int:
    """The one round a guest sits on."""
    query = select(RoundMember.round_id).where(RoundMember.user_id == user_id)
    found = session.exec(query).first()
    if found is None:
        raise NotFound("This guest sits on no round.")
    return found
