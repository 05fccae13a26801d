import unittest

from gradebook import Gradebook


class HiddenGradebookTests(unittest.TestCase):
    def test_an_empty_gradebook_has_no_students_and_no_best_student(self):
        book = Gradebook()
        self.assertEqual(book.students(), [])
        self.assertIsNone(book.best_student())

    def test_the_average_of_an_unknown_student_raises_key_error(self):
        with self.assertRaises(KeyError):
            Gradebook().average("Nobody")

    def test_a_refused_grade_is_not_recorded(self):
        book = Gradebook()
        book.add_grade("Ada", 50)
        with self.assertRaises(ValueError):
            book.add_grade("Ada", -1)
        self.assertEqual(book.average("Ada"), 50.0)
        self.assertEqual(book.students(), ["Ada"])

    def test_a_tie_for_best_goes_to_the_alphabetically_first_name(self):
        book = Gradebook()
        book.add_grade("Zoe", 80)
        book.add_grade("Mia", 70)
        book.add_grade("Mia", 90)
        self.assertEqual(book.best_student(), "Mia")

    def test_two_gradebooks_do_not_share_their_grades(self):
        first, second = Gradebook(), Gradebook()
        first.add_grade("Ada", 100)
        self.assertEqual(second.students(), [])


if __name__ == "__main__":
    unittest.main()
