"""Who acts on the workspace's pages: the admin's people and scene (tests/admin/conftest.py)."""

from tests.admin.conftest import (  # noqa: F401  (fixtures)
    _fast_password_hashing,
    booking_a,
    booking_b,
    client,
    closure_a,
    closure_b,
    facility_a,
    facility_b,
    ministry_official,
    other_manager,
    owner_manager,
    room_a,
    room_b,
    scene,
    sme_user,
    superuser,
    user_in_role,
)
