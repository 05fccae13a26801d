#include <stdio.h>

int main(void)
{
    int count = 0;
    long long total = 0;
    if (scanf("%d", &count) != 1)
        return 1;
    for (int i = 0; i < count; i++) {
        long long number;
        if (scanf("%lld", &number) != 1)
            return 1;
        total += number;
    }
    printf("%lld\n", total);
    return 0;
}
