import unittest

from bank import BankAccount, InsufficientFundsError


class HiddenBankAccountTests(unittest.TestCase):
    def test_zero_or_negative_amounts_raise_value_error_and_change_nothing(self):
        ada = BankAccount("Ada", 100)
        for action in (ada.deposit, ada.withdraw):
            for amount in (0, -50):
                with self.assertRaises(ValueError):
                    action(amount)
        self.assertEqual(ada.balance, 100)

    def test_a_failed_transfer_changes_neither_account(self):
        ada, linus = BankAccount("Ada", 100), BankAccount("Linus", 20)
        with self.assertRaises(InsufficientFundsError):
            ada.transfer_to(linus, 101)
        with self.assertRaises(ValueError):
            ada.transfer_to(linus, -5)
        self.assertEqual((ada.balance, linus.balance), (100, 20))

    def test_the_balance_cannot_be_assigned_directly(self):
        ada = BankAccount("Ada")
        with self.assertRaises(AttributeError):
            ada.balance = 10**9
        self.assertEqual(ada.balance, 0)

    def test_the_whole_balance_can_be_withdrawn_and_a_negative_opening_is_refused(self):
        self.assertEqual(BankAccount("Ada", 75).withdraw(75), 0)
        with self.assertRaises(ValueError):
            BankAccount("Eve", -1)

    def test_insufficient_funds_error_is_an_exception_class(self):
        self.assertTrue(issubclass(InsufficientFundsError, Exception))


if __name__ == "__main__":
    unittest.main()
