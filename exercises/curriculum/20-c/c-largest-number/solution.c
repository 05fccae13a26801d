#include <stdio.h>

int main(void)
{
    int largest, number;
    if (scanf("%d", &largest) != 1)
        return 1;
    while (scanf("%d", &number) == 1) {
        if (number > largest)
            largest = number;
    }
    printf("%d\n", largest);
    return 0;
}
