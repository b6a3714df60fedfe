#!/bin/sh
# Turn stdin into a C string constant named $1 (used to compile in default data files).
name=$1
printf '/* generated from a data file by tests/tools/embed.sh; do not edit */\n'
printf 'const char %s[] =\n' "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/'
printf ';\n'
