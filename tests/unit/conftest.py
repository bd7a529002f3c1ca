# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.aurigraph.dlt`` importable when pytest runs from the repo root."""

from __future__ import annotations

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(REPO, ".cache", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "aurigraph", "dlt")

# Under ansible-test the collection already sits in an ansible_collections tree: nothing to do then.
if "/ansible_collections/aurigraph/dlt" not in REPO.replace(os.sep, "/"):
    if not os.path.lexists(LINK):
        os.makedirs(os.path.dirname(LINK), exist_ok=True)
        os.symlink(os.path.relpath(REPO, os.path.dirname(LINK)), LINK)
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)

from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import clock, fake_api  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
