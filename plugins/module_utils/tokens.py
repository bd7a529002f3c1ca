# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token administration on the Aurigraph V11 API (runbook endpoints plus the real-build revoke endpoints).

Secrets policy: token hashes are only ever sent in request bodies. Results identify a hash by a *label*
``"<index>:<first 8 hex chars>"`` (index in the module's ``token_hashes`` list). Eight hex characters are
32 bits of a SHA-256 digest: enough to match a line of the input, useless to recover the token or the full
hash. The full hashes are ``no_log`` module parameters, so Ansible also masks them anywhere in the output.
"""

from __future__ import annotations

import re

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.api import quote_segment

PREFIX = "/api/v11/auth/tokens"
BLACKLIST = PREFIX + "/blacklist"
BLACKLIST_CHECK = PREFIX + "/blacklist/check"
BLACKLIST_REMOVE = PREFIX + "/blacklist/remove"
BLACKLIST_STATS = PREFIX + "/blacklist/stats"
BLACKLIST_CLEANUP = PREFIX + "/blacklist/cleanup"
TOKEN_CLEANUP = PREFIX + "/cleanup"
WHITELIST_ADD = PREFIX + "/whitelist/add"
STATS = PREFIX + "/stats"
ACTIVE = PREFIX + "/active"

HASH_RE = re.compile(r"^[0-9a-f]{64}$")
LABEL_CHARS = 8
REDACTED = "VALUE_REDACTED"
# Keys whose values are secrets (or hashes of secrets) and are never returned as they are.
SECRET_KEYS = frozenset(["token", "accesstoken", "refreshtoken", "tokenhash", "hash", "jwt", "password",
                         "secret", "tokenvalue", "rawtoken", "bearer", "authorization", "sessionid"])


def label(index, token_hash):
    return "%d:%s" % (index, token_hash[:LABEL_CHARS])


def validate_hashes(hashes):
    """Return ``[(index, normalised_hash)]`` without duplicates; raise ValidationError before any call.

    Upper-case hex is accepted and lower-cased. The offending value is never echoed (it may be a raw token).
    """
    if not hashes:
        raise errors.ValidationError("token_hashes must list at least one token hash")
    bad = []
    seen = set()
    result = []
    for index, value in enumerate(hashes):
        text = value.strip().lower() if isinstance(value, str) else ""
        if not HASH_RE.match(text):
            bad.append(str(index))
            continue
        if text in seen:
            continue
        seen.add(text)
        result.append((index, text))
    if bad:
        raise errors.ValidationError(
            "token_hashes item%s %s %s not a SHA-256 hex digest (64 hex characters); pass the hash of a token, "
            "never the token itself" % ("s" if len(bad) > 1 else "", ", ".join(bad), "are" if len(bad) > 1 else "is"))
    return result


def redact(data):
    """Deep copy of an API document with secret-looking values replaced (hash-like ones by their label prefix)."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if str(key).replace("_", "").replace("-", "").lower() in SECRET_KEYS and value is not None:
                if isinstance(value, str) and HASH_RE.match(value.lower()):
                    out[key] = value[:LABEL_CHARS] + "..."
                else:
                    out[key] = REDACTED
            else:
                out[key] = redact(value)
        return out
    if isinstance(data, list):
        return [redact(item) for item in data]
    return data


def _as_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


class TokenAdmin(object):
    """Thin domain layer over api.Client for the token endpoints."""

    def __init__(self, client):
        self.client = client

    # ------------------------------------------------------------ blacklist
    def is_blacklisted(self, token_hash):
        data = self.client.post_json(BLACKLIST_CHECK, {"tokenHash": token_hash}, missing="endpoint")
        return _as_bool(data.get("blacklisted")), data

    def blacklist(self, token_hash, reason):
        data = self.client.post_json(BLACKLIST, {"tokenHash": token_hash, "reason": reason}, missing="endpoint")
        if "blacklisted" in data and not _as_bool(data.get("blacklisted")):
            raise errors.ResponseError("POST %s answered blacklisted=false" % BLACKLIST)
        return data

    def unblacklist(self, token_hash):
        data = self.client.post_json(BLACKLIST_REMOVE, {"tokenHash": token_hash}, missing="endpoint")
        return _as_bool(data.get("removed", True))

    def sync_blacklist(self, items, state, reason, check_mode, results=None):
        """Bring each ``(index, hash)`` to ``state``; return per-hash results (labels only, never hashes).

        Results are appended to ``results`` as they happen, so a caller still has them after an error.
        """
        results = [] if results is None else results
        for index, token_hash in items:
            before, data = self.is_blacklisted(token_hash)
            want = state == "present"
            entry = {"label": label(index, token_hash), "index": index, "blacklisted_before": before,
                     "blacklisted": before, "changed": before != want}
            if before and isinstance(data.get("reason"), str):
                entry["reason"] = data.get("reason")
            if before != want and not check_mode:
                if want:
                    answer = self.blacklist(token_hash, reason)
                    entry["reason"] = answer.get("reason", reason)
                    entry["changed"] = True
                else:
                    entry["changed"] = self.unblacklist(token_hash)
            if entry["changed"]:
                entry["blacklisted"] = want
            results.append(entry)
        return results

    def blacklist_stats(self):
        return self.client.get_json(BLACKLIST_STATS, missing="endpoint")

    # ------------------------------------------------------------ whitelist
    def whitelist(self, user_id, enabled):
        return self.client.post_json(WHITELIST_ADD, {"userId": user_id, "enabled": enabled}, missing="endpoint")

    # ------------------------------------------------------------ cleanup
    def cleanup_tokens(self):
        data = self.client.post_json(TOKEN_CLEANUP, missing="endpoint")
        return _count(data, ("removedCount", "removed", "count"))

    def cleanup_blacklist(self):
        data = self.client.post_json(BLACKLIST_CLEANUP, missing="endpoint")
        return _count(data, ("removed", "removedCount", "count"))

    # ------------------------------------------------------------ read-only
    def stats(self, user_id):
        return self.client.get_json(STATS, query={"userId": user_id}, missing="endpoint")

    def active(self, user_id, page=0, page_size=50):
        return self.client.request("GET", ACTIVE, query={"userId": user_id, "page": page, "pageSize": page_size},
                                   missing="endpoint").json

    def audit(self, user_id, limit=50):
        return self.client.request("GET", "%s/audit/%s" % (PREFIX, quote_segment(user_id)),
                                   query={"limit": limit}).json

    def details(self, token_id):
        """Token details, or None when the service says the token does not exist."""
        try:
            return self.client.get_json("%s/%s/details" % (PREFIX, quote_segment(token_id)))
        except errors.NotFoundError:
            return None

    # ------------------------------------------------------------ revoke
    def revoke_token(self, token_id, reason):
        resp = self.client.request("DELETE", "%s/%s" % (PREFIX, quote_segment(token_id)), query={"reason": reason})
        return resp.json if isinstance(resp.json, dict) else {}

    def revoke_all(self, user_id, reason):
        resp = self.client.request("DELETE", "%s/all/%s" % (PREFIX, quote_segment(user_id)), query={"reason": reason})
        data = resp.json if isinstance(resp.json, dict) else {}
        return _count(data, ("revokedCount", "revoked", "count"), default=None), data


def token_is_active(details):
    """Whether token details describe a token that can still be used (not revoked, not expired)."""
    if not isinstance(details, dict):
        return False
    for key in ("revoked", "isRevoked", "expired", "isExpired"):
        if _as_bool(details.get(key)):
            return False
    if details.get("revokedAt"):
        return False
    status = str(details.get("status") or details.get("state") or "ACTIVE").upper()
    return status in ("ACTIVE", "VALID")


def active_count(page):
    """Number of active tokens in an ``/auth/tokens/active`` answer, whatever field the build uses."""
    if isinstance(page, list):
        return len(page)
    if not isinstance(page, dict):
        return 0
    for key in ("totalCount", "total", "totalElements", "totalTokens", "activeTokens", "count"):
        value = page.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    for key in ("tokens", "items", "content", "data"):
        value = page.get(key)
        if isinstance(value, list):
            return len(value)
    return 0


def _count(data, keys, default=0):
    for key in keys:
        value = data.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return default
