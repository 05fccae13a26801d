#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[4096];
    char *words[2048];
    int count = 0;
    if (fgets(line, sizeof line, stdin) == NULL)
        return 0;
    for (char *word = strtok(line, " \t\n"); word != NULL && count < 2048;
         word = strtok(NULL, " \t\n"))
        words[count++] = word;
    for (int i = count - 1; i >= 0; i--)
        printf("%s%s", words[i], i > 0 ? " " : "");
    printf("\n");
    return 0;
}
