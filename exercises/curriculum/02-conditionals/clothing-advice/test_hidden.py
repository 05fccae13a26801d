import unittest

from advice import clothing_advice


class HiddenClothingAdviceTests(unittest.TestCase):
    def test_exactly_zero_degrees_is_jacket_weather(self):
        self.assertEqual(clothing_advice(0), "Bring a jacket")

    def test_exactly_twelve_degrees_is_sweater_weather(self):
        self.assertEqual(clothing_advice(12), "A sweater is enough")

    def test_exactly_twenty_two_degrees_is_t_shirt_weather(self):
        self.assertEqual(clothing_advice(22), "T-shirt weather")

    def test_decimals_just_below_a_boundary_stay_in_the_colder_group(self):
        self.assertEqual(clothing_advice(-0.5), "Wear a winter coat")
        self.assertEqual(clothing_advice(21.9), "A sweater is enough")

    def test_extreme_temperatures_still_get_advice(self):
        self.assertEqual(clothing_advice(-40), "Wear a winter coat")
        self.assertEqual(clothing_advice(48.5), "T-shirt weather")


if __name__ == "__main__":
    unittest.main()
