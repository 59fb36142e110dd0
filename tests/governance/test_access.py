"""intranet.governance.access: the pieces every app's access module is built from."""

import pytest
from django.http import Http404

from intranet.governance.access import object_id


@pytest.mark.parametrize("raw", [1, "1", "42", 2**63 - 1])
def test_object_id_takes_whole_positive_numbers(raw):
    assert object_id(raw) == int(raw)


@pytest.mark.parametrize(
    "raw", [0, -1, "0", "-1", "1.0", "1e3", " 1", "١", "x", "", None, True, 1.0, [1], {"id": 1},
            "1\x00", "9" * 40, 2**63]
)  # fmt: skip
def test_object_id_answers_404_for_anything_else(raw):
    with pytest.raises(Http404):
        object_id(raw)
