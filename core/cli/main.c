#include <stdio.h>
#include <string.h>
#include "plimsoll/plimsoll.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("plimsoll %s\n", plm_version());
		return 0;
	}
	fprintf(stderr, "usage: plimsoll --version\n");
	return 2;
}
