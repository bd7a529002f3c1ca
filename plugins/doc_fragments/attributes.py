# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """C(attributes) blocks that several modules share word for word.

    Modules whose check mode or diff behaviour needs its own explanation keep their C(attributes) block.
    """

    # Read-only modules (the *_info ones): check mode is a normal run and there is never a diff.
    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    description: Read-only; runs normally in check mode.
  diff_mode:
    support: none
    description: Returns no diff.
"""
