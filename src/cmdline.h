/* cmdline.h: reading a shell command line, to give its Python processes crmake's hooks. */
#ifndef CR_CMDLINE_H
#define CR_CMDLINE_H

/*
 * Return cmd with dir put first in the value of every PYTHONPATH assignment
 * the shell would make for a command: NAME=value words before a command
 * word, after env, and in export. The rest of the text is left as it is.
 * *count gets the number of assignments changed (0: the text is a copy).
 */
char *cmdline_pythonpath(const char *cmd, const char *dir, int *count);

#endif
