/* cmdline.h: reading a shell command line, to give its Python processes crmake's hooks. */
#ifndef CR_CMDLINE_H
#define CR_CMDLINE_H

/*
 * Return cmd with dir put first in the value of every PYTHONPATH assignment
 * in it: every shell word that starts with an unquoted PYTHONPATH=, before
 * a command, after env, export or any other wrapper. The rest of the text
 * is left as it is. *count gets the number of assignments changed (0: the
 * text is a copy).
 */
char *cmdline_pythonpath(const char *cmd, const char *dir, int *count);

#endif
