#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[])
{
    if (argc < 2) {
        puts("no numbers");
        return 1;
    }
    double total = 0;
    for (int i = 1; i < argc; i++)
        total += atof(argv[i]);
    printf("%.2f\n", total / (argc - 1));
    return 0;
}
