#include <stdio.h>

int main(int argc, char *argv[])
{
    /* Your code here */
    return 0;
}
