import unittest

from gradebook import Gradebook


class GradebookTests(unittest.TestCase):
    def setUp(self):
        self.book = Gradebook()
        self.book.add_grade("Ada", 90)
        self.book.add_grade("Ada", 70)
        self.book.add_grade("Linus", 85)

    def test_average_of_a_student_with_two_grades(self):
        self.assertEqual(self.book.average("Ada"), 80.0)

    def test_average_of_a_student_with_one_grade(self):
        self.assertEqual(self.book.average("Linus"), 85.0)

    def test_lists_the_students_alphabetically(self):
        self.book.add_grade("Grace", 60)
        self.assertEqual(self.book.students(), ["Ada", "Grace", "Linus"])

    def test_finds_the_student_with_the_best_average(self):
        self.assertEqual(self.book.best_student(), "Linus")

    def test_an_impossible_grade_raises_value_error(self):
        with self.assertRaises(ValueError):
            self.book.add_grade("Ada", 105)


if __name__ == "__main__":
    unittest.main()
