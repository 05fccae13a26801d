import unittest

from converter import convert_temperature


class ConvertTemperatureTests(unittest.TestCase):
    def test_boiling_water_in_fahrenheit_by_default(self):
        self.assertEqual(convert_temperature(100), 212.0)

    def test_body_temperature_is_rounded_to_one_decimal(self):
        self.assertEqual(convert_temperature(37), 98.6)

    def test_converts_back_to_celsius_with_the_to_keyword(self):
        self.assertEqual(convert_temperature(212, to="C"), 100.0)

    def test_the_target_scale_can_be_given_by_position(self):
        self.assertEqual(convert_temperature(32, "C"), 0.0)


if __name__ == "__main__":
    unittest.main()
