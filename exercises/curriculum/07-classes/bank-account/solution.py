class InsufficientFundsError(Exception):
    """Raised when an account does not hold enough money."""


def _check_amount(amount: int) -> None:
    if amount <= 0:
        raise ValueError("amount must be positive")


class BankAccount:
    """A pocket-money account; amounts are whole numbers of cents."""

    def __init__(self, owner: str, balance: int = 0):
        if balance < 0:
            raise ValueError("the opening balance cannot be negative")
        self.owner = owner
        self._balance = balance

    @property
    def balance(self) -> int:
        return self._balance

    def deposit(self, amount: int) -> int:
        _check_amount(amount)
        self._balance += amount
        return self._balance

    def withdraw(self, amount: int) -> int:
        _check_amount(amount)
        if amount > self._balance:
            raise InsufficientFundsError(
                f"cannot withdraw {amount} cents, the balance is {self._balance}"
            )
        self._balance -= amount
        return self._balance

    def transfer_to(self, other: "BankAccount", amount: int) -> None:
        self.withdraw(amount)
        other.deposit(amount)
