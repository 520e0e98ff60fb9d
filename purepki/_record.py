"""Record classes: the subset of :mod:`dataclasses` that purepki uses.

``dataclasses.dataclass`` writes the source text of every method it adds
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, and ``__setattr__``
and ``__delattr__`` when frozen) and compiles each one with ``exec`` when
the class is created, and importing :mod:`dataclasses` imports
:mod:`inspect`. purepki defines about 60 such classes, and on a 2-core
test machine their creation took more than half of the start-up time that
``purepki verify`` adds to its dependencies (``benchmarks/footprint.py``
measures it). :func:`dataclass` here builds the same methods from shared
closures, so a class costs only its own definition.

Type checkers see :mod:`dataclasses` itself (the ``TYPE_CHECKING`` branch
at the end), so they check fields, defaults and :func:`replace` calls
exactly as for real dataclasses. The behaviour kept from
:mod:`dataclasses` (Python 3.9 to 3.13):

- fields come from the class annotations, after those of base records,
  and ``ClassVar`` annotations are skipped. A field without a default
  may not follow one with a default, and a ``list``, ``dict`` or ``set``
  default must be a ``default_factory`` instead;
- ``__init__`` takes the fields positionally or by keyword, fills in
  defaults, raises ``TypeError`` for a missing, unexpected or repeated
  argument, and then calls ``__post_init__`` if the class has one;
- ``__eq__`` compares the ``compare`` fields of two objects of the same
  class, ``__repr__`` lists the ``repr`` fields, and a frozen class with
  ``eq`` gets a ``__hash__`` of its ``compare`` fields, while a mutable
  one with ``eq`` is unhashable;
- a method that the class defines itself is kept;
- assigning or deleting a field of a frozen object raises
  :class:`FrozenInstanceError`, an ``AttributeError``.

Left out: ``order``, ``unsafe_hash``, ``init=False`` fields, ``InitVar``,
keyword-only fields, ``__slots__`` and ``fields()``. The functions of
:mod:`dataclasses` itself reject these classes, so call :func:`replace`
and :func:`asdict` from this module. Field values go into the object's
``__dict__`` directly, as ``__init__`` of a frozen dataclass does with
``object.__setattr__``.
"""

from __future__ import annotations

import operator
import reprlib
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Optional, TypeVar

__all__ = ["FrozenInstanceError", "asdict", "dataclass", "field", "replace"]

_T = TypeVar("_T")

#: The class attribute that lists a record's fields in order.
FIELDS_ATTRIBUTE = "__record_fields__"


class _Missing:
    """The marker for a field without a default."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """An assignment to, or a deletion of, a field of a frozen record."""


class Field:
    """One field of a record class.

    Attributes:
        name: The attribute name.
        default: The default value, or :data:`MISSING`.
        default_factory: A callable that makes the default, or
            :data:`MISSING`.
        repr: Whether ``__repr__`` shows the field.
        compare: Whether ``__eq__`` and ``__hash__`` use the field.
    """

    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        repr: bool = True,
        compare: bool = True,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare

    @property
    def required(self) -> bool:
        """Whether ``__init__`` must be given the field."""
        return self.default is MISSING and self.default_factory is MISSING

    def make_default(self) -> Any:
        """Return the default value, calling the factory if there is one."""
        if self.default_factory is not MISSING:
            return self.default_factory()
        return self.default

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r})"


def _field(
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """Describe a field with a default, a factory, or other options."""
    return Field(default, default_factory, repr, compare)


def _is_class_variable(annotation: object) -> bool:
    """Return whether an annotation declares a class variable.

    Under ``from __future__ import annotations`` the annotation is a
    string, which :mod:`dataclasses` also recognizes by its start.
    """
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or (
        getattr(annotation, "__origin__", None) is ClassVar
    )


def _collect_fields(cls: type) -> tuple[Field, ...]:
    """Return the fields of ``cls``, base records' fields first.

    A field that ``cls`` declares again keeps its place and takes the new
    definition, as in :mod:`dataclasses`.
    """
    collected: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for inherited in base.__dict__.get(FIELDS_ATTRIBUTE, ()):
            collected[inherited.name] = inherited

    # A class's own annotations, not those inherited from a base class.
    # inspect.get_annotations reads them the same way but needs Python
    # 3.10 and the inspect module.
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    for name, annotation in annotations.items():
        if _is_class_variable(annotation):
            continue
        collected[name] = _own_field(cls, name)

    fields = tuple(collected.values())
    _check_default_order(cls, fields)
    return fields


def _own_field(cls: type, name: str) -> Field:
    """Make the field ``name`` from the class body of ``cls``.

    The class attribute becomes the default, as in :mod:`dataclasses`, and
    a :func:`field` marker in the class body is replaced by its default
    or removed.
    """
    value = cls.__dict__.get(name, MISSING)
    declared = value if isinstance(value, Field) else Field(default=value)
    declared.name = name
    if isinstance(declared.default, (list, dict, set)):
        kind = type(declared.default).__name__
        raise ValueError(
            f"mutable default {kind} for field {name} of "
            f"{cls.__qualname__} is not allowed: use default_factory"
        )

    if isinstance(value, Field):
        if value.default is MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, value.default)
    return declared


def _check_default_order(cls: type, fields: tuple[Field, ...]) -> None:
    seen_default = False
    for item in fields:
        if not item.required:
            seen_default = True
        elif seen_default:
            raise TypeError(
                f"non-default argument {item.name!r} follows default "
                f"argument in {cls.__qualname__}"
            )


def _make_init(cls: type, fields: tuple[Field, ...]) -> Callable[..., None]:
    names = tuple(item.name for item in fields)
    known = frozenset(names)
    count = len(names)
    all_required = all(item.required for item in fields)
    has_post_init = hasattr(cls, "__post_init__")
    title = f"{cls.__qualname__}.__init__()"

    required = sum(1 for item in fields if item.required)
    # The defaults of the trailing fields, when none needs a factory.
    defaults: Optional[tuple[Any, ...]] = None
    if all(item.default_factory is MISSING for item in fields):
        defaults = tuple(item.default for item in fields[required:])

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        # The common calls skip the binding below: every field given by
        # position or by keyword, or the leading fields by position with
        # plain defaults for the rest.
        positional = len(args)
        if not kwargs and positional == count:
            self.__dict__.update(zip(names, args))
        elif (
            not kwargs
            and defaults is not None
            and required <= positional < count
        ):
            values = args + defaults[positional - required :]
            self.__dict__.update(zip(names, values))
        elif not args and len(kwargs) == count and known.issuperset(kwargs):
            self.__dict__.update(kwargs)
        else:
            self.__dict__.update(bind(args, kwargs))
        if has_post_init:
            self.__post_init__()

    def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        if len(args) > count:
            raise TypeError(
                f"{title} takes {count + 1} positional arguments but "
                f"{len(args) + 1} were given"
            )

        values = dict(zip(names, args))
        for key, value in kwargs.items():
            if key in values:
                raise TypeError(f"{title} got multiple values for {key!r}")
            if key not in known:
                raise TypeError(
                    f"{title} got an unexpected keyword argument {key!r}"
                )
            values[key] = value
        if len(values) < count:
            _fill_defaults(title, fields, values, all_required)
        return values

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _fill_defaults(
    title: str,
    fields: tuple[Field, ...],
    values: dict[str, Any],
    all_required: bool,
) -> None:
    """Add the defaults of the fields missing from ``values``.

    Raises:
        TypeError: A field without a default is missing.
    """
    missing = []
    for item in fields:
        if item.name in values:
            continue
        if all_required or item.required:
            missing.append(repr(item.name))
        else:
            values[item.name] = item.make_default()
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise TypeError(
            f"{title} missing {len(missing)} required argument{plural}: "
            f"{', '.join(missing)}"
        )


def _make_repr(fields: tuple[Field, ...]) -> Callable[[Any], str]:
    names = tuple(item.name for item in fields if item.repr)

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        listed = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({listed})"

    return __repr__


def _compare_key(fields: tuple[Field, ...]) -> Callable[[Any], Any]:
    """Return a function giving the tuple of the ``compare`` fields."""
    names = tuple(item.name for item in fields if item.compare)
    if not names:
        return lambda self: ()
    if len(names) == 1:
        single = operator.attrgetter(names[0])
        return lambda self: (single(self),)
    return operator.attrgetter(*names)


def _make_eq(key: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _make_hash(key: Callable[[Any], Any]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _make_frozen(
    cls: type, fields: tuple[Field, ...]
) -> tuple[Callable[..., None], Callable[..., None]]:
    """Return ``__setattr__`` and ``__delattr__`` for a frozen class.

    As in :mod:`dataclasses`, a subclass that is not itself a record may
    still set attributes that are not fields.
    """
    names = frozenset(item.name for item in fields)
    base: Any = cls

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(base, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(base, self).__delattr__(name)

    return __setattr__, __delattr__


class _Signature:
    """The ``__signature__`` of a record class, built on first access.

    :func:`inspect.signature` (and so :func:`help`) reads it, and building
    it imports :mod:`inspect`, which purepki's own imports avoid.
    """

    def __get__(self, instance: object, owner: type) -> Any:
        import inspect

        parameters = []
        for item in getattr(owner, FIELDS_ATTRIBUTE):
            default = inspect.Parameter.empty
            if item.default is not MISSING:
                default = item.default
            elif item.default_factory is not MISSING:
                default = item.default_factory
            parameters.append(
                inspect.Parameter(
                    item.name,
                    inspect.Parameter.POSITIONAL_OR_KEYWORD,
                    default=default,
                )
            )
        return inspect.Signature(parameters, return_annotation=None)


def _set_new(cls: type, name: str, value: Any) -> None:
    """Set a method unless the class body defines it."""
    if name not in cls.__dict__:
        setattr(cls, name, value)


def _process(cls: type, frozen: bool, eq: bool, show: bool) -> type:
    for base in cls.__mro__[1:]:
        if FIELDS_ATTRIBUTE in base.__dict__:
            if base.__dict__["__record_frozen__"] != frozen:
                raise TypeError(
                    f"{cls.__qualname__} and its base record "
                    f"{base.__qualname__} must be both frozen or both not"
                )
            break

    fields = _collect_fields(cls)
    setattr(cls, FIELDS_ATTRIBUTE, fields)
    cls.__record_frozen__ = frozen  # type: ignore[attr-defined]
    _set_new(cls, "__init__", _make_init(cls, fields))
    cls.__signature__ = _Signature()  # type: ignore[attr-defined]
    cls.__match_args__ = tuple(  # type: ignore[attr-defined, misc]
        item.name for item in fields
    )
    if show:
        _set_new(cls, "__repr__", _make_repr(fields))

    # The hash rules of dataclasses for eq without unsafe_hash: an explicit
    # __hash__ stays; otherwise frozen adds one and mutable sets None.
    # Defining __eq__ in a class body sets __hash__ to None implicitly,
    # which does not count as explicit.
    body_hash = cls.__dict__.get("__hash__", MISSING)
    explicit_hash = not (
        body_hash is MISSING
        or (body_hash is None and "__eq__" in cls.__dict__)
    )
    if eq:
        key = _compare_key(fields)
        _set_new(cls, "__eq__", _make_eq(key))
        if not explicit_hash:
            cls.__hash__ = (  # type: ignore[method-assign]
                _make_hash(key) if frozen else None  # type: ignore[assignment]
            )
    if frozen:
        setter, deleter = _make_frozen(cls, fields)
        _set_new(cls, "__setattr__", setter)
        _set_new(cls, "__delattr__", deleter)
    return cls


def _dataclass(
    cls: type[_T] | None = None,
    *,
    frozen: bool = False,
    eq: bool = True,
    repr: bool = True,
) -> Any:
    """Add ``__init__``, ``__repr__``, ``__eq__`` and, for a frozen class,
    ``__hash__`` and the frozen ``__setattr__``, as
    :func:`dataclasses.dataclass` does."""

    def wrap(target: type[_T]) -> type[_T]:
        return _process(target, frozen, eq, repr)

    if cls is None:
        return wrap
    return wrap(cls)


def _fields_of(instance: object) -> tuple[Field, ...]:
    fields = getattr(type(instance), FIELDS_ATTRIBUTE, None)
    if fields is None:
        raise TypeError(
            f"{type(instance).__qualname__} object is not a record instance"
        )
    return fields  # type: ignore[no-any-return]


def _replace(instance: _T, /, **changes: Any) -> _T:
    """Return a copy of a record with the fields in ``changes`` replaced.

    Raises:
        TypeError: ``instance`` is not a record, or ``changes`` names a
            field it does not have.
    """
    fields = _fields_of(instance)
    names = {item.name for item in fields}
    for name in changes:
        if name not in names:
            raise TypeError(
                f"{type(instance).__qualname__} has no field {name!r}"
            )
    values = {
        item.name: changes.get(item.name, getattr(instance, item.name))
        for item in fields
    }
    return type(instance)(**values)


def _asdict(instance: object) -> dict[str, Any]:
    """Return the fields of a record as a dict, records inside it and
    inside its lists, tuples and dicts converted too."""
    return {
        item.name: _converted(getattr(instance, item.name))
        for item in _fields_of(instance)
    }


def _converted(value: Any) -> Any:
    if hasattr(type(value), FIELDS_ATTRIBUTE):
        return _asdict(value)
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_converted(item) for item in value)
    if isinstance(value, dict):
        return type(value)(
            (_converted(key), _converted(item)) for key, item in value.items()
        )
    return value


if TYPE_CHECKING:
    from dataclasses import asdict, dataclass, field, replace
else:
    asdict = _asdict
    dataclass = _dataclass
    field = _field
    replace = _replace
