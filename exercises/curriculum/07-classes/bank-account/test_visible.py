import unittest

from bank import BankAccount, InsufficientFundsError


class BankAccountTests(unittest.TestCase):
    def test_a_new_account_remembers_its_owner_and_opening_balance(self):
        ada = BankAccount("Ada", 500)
        self.assertEqual(ada.owner, "Ada")
        self.assertEqual(ada.balance, 500)

    def test_deposit_adds_money_and_returns_the_new_balance(self):
        ada = BankAccount("Ada", 500)
        self.assertEqual(ada.deposit(250), 750)
        self.assertEqual(ada.balance, 750)

    def test_withdraw_takes_money_out(self):
        ada = BankAccount("Ada", 500)
        self.assertEqual(ada.withdraw(200), 300)

    def test_withdrawing_too_much_raises_and_keeps_the_balance(self):
        ada = BankAccount("Ada", 500)
        with self.assertRaises(InsufficientFundsError):
            ada.withdraw(1000)
        self.assertEqual(ada.balance, 500)

    def test_transfer_moves_money_between_accounts(self):
        ada, linus = BankAccount("Ada", 500), BankAccount("Linus")
        ada.transfer_to(linus, 300)
        self.assertEqual((ada.balance, linus.balance), (200, 300))


if __name__ == "__main__":
    unittest.main()
