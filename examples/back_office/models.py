"""The back office's models: customers and their invoices (SQLAlchemy 2)."""

import datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("draft", "sent", "paid", "void")


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), default="FR")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    invoices: Mapped[list["Invoice"]] = relationship(back_populates="customer")

    def __str__(self):
        return self.name or ""


class Invoice(Base):
    __tablename__ = "invoice"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)  # given on creation
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    customer: Mapped[Customer] = relationship(back_populates="invoices")
    issued_on: Mapped[datetime.date] = mapped_column(Date)
    due_on: Mapped[datetime.date] = mapped_column(Date)
    amount = mapped_column(Numeric(10, 2), nullable=False)
    status: Mapped[str] = mapped_column(Enum(*STATUSES, name="invoice_status"),
                                        default="draft")
    reference: Mapped[str | None] = mapped_column(String(50))  # the customer's order number
    notes: Mapped[str | None] = mapped_column(String(500))
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    paid_on: Mapped[datetime.date | None] = mapped_column(Date)

    def __str__(self):
        return self.number or f"draft #{self.id}"
