"""rum.contracts' repository and policy Protocols say exactly what the backends offer: the
same methods, each with the same parameters (names, kinds, defaults), on both repository
backends (rum_sqlalchemy and the in-memory one of rum.testing) and the rules policy."""

import inspect

import pytest

from rum.contracts import (
    Policy,
    PolicyType,
    Repository,
    RepositoryFactory,
    RepositoryFactoryType,
    UnitOfWork,
)
from rum.policy import RulesPolicy
from rum.testing.memory import MemoryRepositoryFactory, MemoryUnitOfWork
from rum.testing.memory_repository import MemoryRepository
from rum_sqlalchemy.factory import SQLAlchemyRepositoryFactory
from rum_sqlalchemy.factory import UnitOfWork as SQLAlchemyUnitOfWork
from rum_sqlalchemy.repository import SQLAlchemyRepository

PAIRS = [(Repository, SQLAlchemyRepository), (Repository, MemoryRepository),
         (UnitOfWork, SQLAlchemyUnitOfWork), (UnitOfWork, MemoryUnitOfWork),
         (RepositoryFactory, SQLAlchemyRepositoryFactory),
         (RepositoryFactory, MemoryRepositoryFactory), (Policy, RulesPolicy)]


def _params(function) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()
            if p.name not in ("self", "cls")]


def _methods(protocol) -> list[str]:
    return [name for name, member in vars(protocol).items()
            if not name.startswith("_") and inspect.isfunction(member)]


@pytest.mark.parametrize("protocol, implementation", PAIRS,
                         ids=[f"{p.__name__}-{i.__module__}" for p, i in PAIRS])
def test_each_method_has_the_protocols_parameters(protocol, implementation):
    names = _methods(protocol)
    assert names
    for name in names:
        assert _params(getattr(implementation, name)) == _params(getattr(protocol, name)), name


@pytest.mark.parametrize("factory", [SQLAlchemyRepositoryFactory, MemoryRepositoryFactory])
def test_repository_factories_are_built_as_the_protocol_says(factory):
    assert _params(factory) == _params(RepositoryFactoryType.__call__)


def test_the_policy_is_built_as_the_protocol_says():
    assert _params(RulesPolicy) == _params(PolicyType.__call__)
    assert "login_required" in Policy.__annotations__
