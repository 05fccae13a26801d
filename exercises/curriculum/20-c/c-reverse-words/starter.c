#include <stdio.h>

int main(void)
{
    /* Your code here */
    return 0;
}
