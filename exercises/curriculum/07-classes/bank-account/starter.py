class InsufficientFundsError(Exception):
    """Raised when an account does not hold enough money."""


class BankAccount:
    """A pocket-money account; amounts are whole numbers of cents."""

    def __init__(self, owner: str, balance: int = 0):
        self.owner = owner
        # TODO: check and store the opening balance.

    @property
    def balance(self) -> int:
        raise NotImplementedError("return the balance")

    def deposit(self, amount: int) -> int:
        raise NotImplementedError

    def withdraw(self, amount: int) -> int:
        raise NotImplementedError

    def transfer_to(self, other: "BankAccount", amount: int) -> None:
        raise NotImplementedError
