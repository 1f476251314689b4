"""Turning validated worker data into stored rows and back into worker data (views.py shows it).

Plain functions: the vault encrypts and hashes, nothing here touches the database or the bus.
"""

from datetime import datetime

from services.registry import rules
from shared.masking import mask_bank_account, mask_id_number, mask_name, mask_phone
from shared.validation import IdNumber

DATA_FIELDS = (
    "name",
    "id_number",
    "phone",
    "employer",
    "union",
    "org_unit_id",
    "category",
    "reasons",
    "household_size",
    "household_monthly_income_fen",
    "bank",
    "family",
    "filed_on",
)


def fingerprint(vault, data: dict) -> str:
    """A keyed digest of the fields a registry sheet carries, to tell an unchanged re-import without decrypting."""
    return vault.lookup_hash(
        "\x1f".join(
            (
                data["name"],
                data["id_number"],
                data["phone"],
                data["employer"],
                data["union"],
                data["category"],
                ",".join(data["reasons"]),
                str(data["household_size"]),
                str(data["household_monthly_income_fen"]),
                data["bank"]["name"],
                data["bank"]["account"],
                data["filed_on"].isoformat(),
            )
        )
    )


def seal(vault, id_number: str, phone: str, bank_account: str) -> str:
    return vault.encrypt(f"{id_number}|{phone}|{bank_account}")


def unseal(vault, sealed: str) -> tuple[str, str, str]:
    id_number, phone, bank_account = vault.decrypt(sealed).split("|")
    return id_number, phone, bank_account


NO_FAMILY: list = []  # shared, so a bulk insert serialises it once


def _stored_family(vault, family: list[dict]) -> list[dict]:
    if not family:
        return NO_FAMILY
    return [
        {
            "name": member["name"],
            "relation": member["relation"],
            "school": member.get("school"),
            "id_number_cipher": vault.encrypt(member["id_number"]) if member.get("id_number") else None,
            "id_number_hash": vault.lookup_hash(member["id_number"]) if member.get("id_number") else None,
            "id_number_masked": mask_id_number(member["id_number"]) if member.get("id_number") else None,
        }
        for member in family
    ]


def stored_fields(vault, data: dict) -> dict:
    """The columns a worker's data fills in (everything but identity, unit, status and timestamps): the unit's id and
    path are the union named resolved among the caller's units (units.union_of), which the shell adds."""
    return {
        "name": data["name"],
        "sealed": seal(vault, data["id_number"], data["phone"], data["bank"]["account"]),
        "phone_masked": mask_phone(data["phone"]),
        "employer": data["employer"],
        "union": data["union"],
        "category": data["category"],
        "reasons": ",".join(data["reasons"]),
        "household_size": data["household_size"],
        "household_monthly_income_fen": data["household_monthly_income_fen"],
        "bank_name": data["bank"]["name"],
        "bank_account_masked": mask_bank_account(data["bank"]["account"]),
        "family": _stored_family(vault, data["family"]),
        "filed_on": data["filed_on"],
        "review_due_on": rules.review_due_on(data["filed_on"]),
        "fingerprint": fingerprint(vault, data),
    }


def new_row(
    vault, data: dict, identity: IdNumber, worker_id: str | None, id_number_hash: str, now: datetime | None
) -> dict:
    """A new file's row; an import checking rows apart from its database leaves `worker_id` and `now` to be filled in."""
    return {
        "worker_id": worker_id,
        "id_number_hash": id_number_hash,
        "id_number_masked": mask_id_number(identity.number),
        "gender": identity.gender,
        "birth_date": identity.birth_date,
        "status": "active",
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "bank_changed_at": None,  # a new file's payee is the one it was filed with
        **stored_fields(vault, data),
    }


def _member(member: dict, name: str | None, id_number: str | None) -> dict:
    return {"name": name, "relation": member["relation"], "school": member.get("school"), "id_number": id_number}


def _worker_data(row, name: str | None, id_number: str, phone: str, bank_account: str, family: list[dict]) -> dict:
    return {
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "employer": row.employer,
        "union": row.union,
        "org_unit_id": row.org_unit_id,
        "category": row.category,
        "reasons": row.reasons.split(","),
        "household_size": row.household_size,
        "household_monthly_income_fen": row.household_monthly_income_fen,
        "bank": {"name": row.bank_name, "account": bank_account},
        "family": family,
        "filed_on": row.filed_on,
    }


def data_of(vault, row) -> dict:
    """The plaintext worker data of a stored row, in the shape the schemas produce."""
    id_number, phone, bank_account = unseal(vault, row.sealed)
    family = [
        _member(
            member,
            member["name"],
            vault.decrypt(member["id_number_cipher"]) if member.get("id_number_cipher") else None,
        )
        for member in row.family
    ]
    return _worker_data(row, row.name, id_number, phone, bank_account, family)


def masked_data_of(row) -> dict:
    """The same shape with every personal value masked, read without decrypting anything."""
    family = [_member(member, mask_name(member["name"]), member.get("id_number_masked")) for member in row.family]
    return _worker_data(
        row, mask_name(row.name), row.id_number_masked, row.phone_masked, row.bank_account_masked, family
    )


def patched(data: dict, changes: dict) -> dict:
    """A PATCH's fields over the stored data; bank details given in part keep the stored rest."""
    if "bank" in changes:
        changes = {**changes, "bank": {**data["bank"], **changes["bank"]}}
    return {**data, **changes}


def changed_fields(before: dict, after: dict) -> list[str]:
    return [field for field in DATA_FIELDS if before[field] != after[field]]


def applicant_profile(row) -> dict:
    """What the aid service needs to decide and show an application: no personal number in full.

    `household` holds the keyed hashes of every ID number in the household (the worker's and the
    family members'), so two files that share a member are recognised as one household.
    """
    household = [row.id_number_hash] + [
        member["id_number_hash"] for member in row.family if member.get("id_number_hash")
    ]
    return {
        "worker_id": row.worker_id,
        "status": row.status,
        "category": row.category,
        "union": row.union,
        "name_masked": mask_name(row.name),
        "id_number_masked": row.id_number_masked,
        "id_last4": row.id_number_masked[-4:],
        "household": household,
        "org_unit_id": row.org_unit_id,
        "path": row.path,  # the unit's, as shared/org_paths.py stores it: aid scopes the application by it
        "version": row.version,  # of the file: aid keeps the unit of the newest version it knows of
    }


def event_about(row_or_data: dict) -> dict:
    """What registry events say about a worker: ids and categories, never personal numbers."""
    return {
        "worker_id": row_or_data["worker_id"],
        "category": row_or_data["category"],
        "union": row_or_data["union"],
        "org_unit_id": row_or_data["org_unit_id"],
        "status": row_or_data["status"],
        "household_size": row_or_data["household_size"],
        "filed_on": row_or_data["filed_on"].isoformat(),
        "review_due_on": row_or_data["review_due_on"].isoformat(),
    }
