"""The back office's sample data: `create(path)` makes and fills a SQLite file once.

Deterministic: the same customers and invoices every time (tests count on it).
"""

import datetime
import os
from decimal import Decimal

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from .models import Base, Customer, Invoice

CUSTOMERS = [  # name, email, country, active
    ("Acme Tools", "billing@acme.example", "FR", True),
    ("Smith & Jones", "accounts@smith-jones.example", "GB", True),
    ("Nordlicht GmbH", "rechnung@nordlicht.example", "DE", True),
    ("Casa Verde", "admin@casaverde.example", "ES", True),
    ("Old Mill Ltd", "office@oldmill.example", "GB", False),
]
START = datetime.date(2024, 1, 8)
STATUS_CYCLE = ("paid", "paid", "sent", "draft", "sent", "paid", "void", "sent")


def populate(session: Session, count: int = 40) -> None:
    customers = [Customer(name=n, email=e, country=c, active=a) for n, e, c, a in CUSTOMERS]
    session.add_all(customers)
    for i in range(count):
        issued = START + datetime.timedelta(days=7 * i)
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        session.add(Invoice(
            number=f"INV-{i + 1:05d}", customer=customers[i % len(customers)],
            issued_on=issued, due_on=issued + datetime.timedelta(days=30),
            amount=Decimal(120 + 37 * i) + Decimal("0.50"), status=status,
            reference=f"PO-{1000 + i}" if i % 3 else None,
            reminders=i % 3 if status == "sent" else 0,
            paid_on=issued + datetime.timedelta(days=12) if status == "paid" else None))


def create(path: str) -> bool:
    """Create and fill `path`; False when it already exists (then it is left as it is)."""
    if os.path.exists(path):
        return False
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        populate(session)
        session.commit()
    engine.dispose()
    return True
