"""purepki._record against the dataclasses behaviour it reproduces."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import subprocess
import sys
from typing import Any, ClassVar, Optional

import pytest

from purepki import _record
from purepki._record import FrozenInstanceError, asdict, field, replace


@_record.dataclass(frozen=True)
class Point:
    """A frozen record with a default and a field left out of repr."""

    x: int
    y: int = 0
    label: str = field(default="", repr=False)
    unit: ClassVar[str] = "px"


@dataclasses.dataclass(frozen=True)
class RealPoint:
    x: int
    y: int = 0
    label: str = dataclasses.field(default="", repr=False)
    unit: ClassVar[str] = "px"


@_record.dataclass(frozen=True)
class Point3(Point):
    z: int = 0


@_record.dataclass
class Counter:
    """A mutable record with a factory default."""

    name: str
    seen: list[str] = field(default_factory=list)


@_record.dataclass(frozen=True)
class Checked:
    value: int
    calls: ClassVar[list[int]] = []

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")
        Checked.calls.append(self.value)


@_record.dataclass(frozen=True)
class Loose:
    key: str
    note: str = field(default="", compare=False)


@_record.dataclass(frozen=True)
class OwnMethods:
    value: int

    def __repr__(self) -> str:
        return "custom"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OwnMethods)

    def __hash__(self) -> int:
        return 7


@_record.dataclass(frozen=True)
class Nested:
    points: tuple[Point, ...]
    extra: Optional[dict[str, Point]] = None


def test_init_positional_and_keyword() -> None:
    assert Point(1, 2) == Point(x=1, y=2)
    assert Point(1).y == 0
    assert Point(1, label="a").label == "a"


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing 1 required argument: 'x'"),
        ((1, 2, "a", 4), {}, "takes 4 positional arguments but 5"),
        ((1,), {"x": 2}, "multiple values for 'x'"),
        ((1,), {"w": 2}, "unexpected keyword argument 'w'"),
    ],
)
def test_init_argument_errors(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)


def test_repr_matches_dataclasses() -> None:
    assert repr(Point(1, 2, "hidden")) == "Point(x=1, y=2)"
    assert repr(RealPoint(1, 2, "hidden")) == "RealPoint(x=1, y=2)"


def test_class_variable_is_not_a_field() -> None:
    assert Point.unit == "px"
    with pytest.raises(TypeError):
        Point(1, 2, "", "px")  # type: ignore[call-arg]


def test_equality_needs_same_class() -> None:
    assert Point(1, 2) != Point3(1, 2)
    assert Point(1, 2) != (1, 2)
    assert Point(1, 2) != Point(1, 3)


def test_hash_follows_compare_fields() -> None:
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert Loose("k", "a") == Loose("k", "b")
    assert hash(Loose("k", "a")) == hash(Loose("k", "b"))
    assert len({Point(1, 2), Point(1, 2), Point(2, 1)}) == 2


def test_frozen_rejects_assignment_and_deletion() -> None:
    point = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del point.x  # type: ignore[misc]
    with pytest.raises(AttributeError):
        point.other = 3  # type: ignore[attr-defined]
    assert point.x == 1


def test_subclass_fields_follow_base_fields() -> None:
    point = Point3(1, 2, "a", 3)
    assert (point.x, point.y, point.label, point.z) == (1, 2, "a", 3)
    assert repr(point) == "Point3(x=1, y=2, z=3)"


def test_mutable_record_is_unhashable() -> None:
    counter = Counter("a")
    counter.seen.append("x")
    counter.name = "b"
    assert counter == Counter("b", ["x"])
    assert Counter("c").seen == []
    assert Counter("c").seen is not Counter("c").seen
    with pytest.raises(TypeError):
        hash(counter)


def test_post_init_runs() -> None:
    Checked(5)
    assert Checked.calls[-1] == 5
    with pytest.raises(ValueError, match="negative"):
        Checked(-1)


def test_class_methods_are_kept() -> None:
    assert repr(OwnMethods(1)) == "custom"
    assert OwnMethods(1) == OwnMethods(2)
    assert hash(OwnMethods(1)) == 7


def test_replace_copies_with_changes() -> None:
    point = Point(1, 2, "a")
    moved = replace(point, y=5)
    assert moved == Point(1, 5, "a")
    assert point.y == 2
    with pytest.raises(TypeError, match="no field 'w'"):
        replace(point, w=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="not a record"):
        replace(RealPoint(1))


def test_asdict_converts_nested_records() -> None:
    nested = Nested((Point(1), Point(2, 3)), {"a": Point(4)})
    assert asdict(nested) == {
        "points": (
            {"x": 1, "y": 0, "label": ""},
            {"x": 2, "y": 3, "label": ""},
        ),
        "extra": {"a": {"x": 4, "y": 0, "label": ""}},
    }


def test_signature_lists_fields() -> None:
    signature = inspect.signature(Point)
    assert list(signature.parameters) == ["x", "y", "label"]
    assert signature.parameters["y"].default == 0
    assert signature.parameters["x"].default is inspect.Parameter.empty


def test_pickle_round_trip() -> None:
    point = Point(1, 2, "a")
    assert pickle.loads(pickle.dumps(point)) == point


def test_default_after_required_rejected() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b'"):

        @_record.dataclass(frozen=True)
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]


def test_mutable_default_rejected() -> None:
    with pytest.raises(ValueError, match="use default_factory"):

        @_record.dataclass(frozen=True)
        class Bad:
            items: list[int] = []  # noqa: RUF012


def test_frozen_and_mutable_do_not_mix() -> None:
    with pytest.raises(TypeError, match="both frozen or both not"):

        @_record.dataclass
        class Bad(Point):
            pass


def test_importing_purepki_skips_dataclasses() -> None:
    code = (
        "import sys, purepki.verify, purepki.cli; "
        "print('dataclasses' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == "False"
