import unittest

from converter import convert_temperature


class HiddenConvertTemperatureTests(unittest.TestCase):
    def test_minus_forty_is_the_same_in_both_scales(self):
        self.assertEqual(convert_temperature(-40), -40.0)
        self.assertEqual(convert_temperature(-40, to="C"), -40.0)

    def test_fractional_temperatures_are_rounded(self):
        self.assertEqual(convert_temperature(0.5), 32.9)
        self.assertEqual(convert_temperature(100, to="C"), 37.8)

    def test_an_unknown_scale_raises_value_error(self):
        with self.assertRaises(ValueError):
            convert_temperature(20, to="K")

    def test_absolute_zero_in_fahrenheit(self):
        self.assertEqual(convert_temperature(-273.15), -459.7)


if __name__ == "__main__":
    unittest.main()
