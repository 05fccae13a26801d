#include <stdio.h>

static int is_prime(long n)
{
    if (n < 2)
        return 0;
    for (long d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

int main(void)
{
    long n;
    while (scanf("%ld", &n) == 1)
        puts(is_prime(n) ? "prime" : "not prime");
    return 0;
}
