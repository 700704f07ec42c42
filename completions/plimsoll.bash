# bash completion for plimsoll (installed as
# share/bash-completion/completions/plimsoll). Options, output formats and
# rule ids are read from the installed plimsoll itself, so they are those
# of the version that runs.

# The options of one command, from its --help.
_plimsoll_options()
{
	"$1" "$2" --help 2>/dev/null |
		grep -oE '^ +-[^ ,]+(, -[^ ,]+)*' | tr -s ' ,' '\n' |
		grep -- '^-'
}

# The output formats, from the list at the end of scan --help.
_plimsoll_formats()
{
	"$1" scan --help 2>/dev/null |
		awk '/^Formats:/ { f = 1; next } f && /^  [a-z]/ { print $1 }'
}

# The rule ids, from the first column of `plimsoll rules`.
_plimsoll_rules()
{
	"$1" rules 2>/dev/null | awk 'NR > 1 && /^[^ ]/ { print $1 }'
}

_plimsoll()
{
	local cur prev exe cmd
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	# The plimsoll being completed (./build/plimsoll too).
	exe=${COMP_WORDS[0]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "scan dump rules explain test config
			lsp --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}

	case $prev in
	--format)
		if [ "$cmd" = rules ]; then
			COMPREPLY=($(compgen -W "table json markdown" -- "$cur"))
		elif [ "$cmd" = config ]; then
			COMPREPLY=($(compgen -W "yaml json" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_plimsoll_formats "$exe")" \
				-- "$cur"))
		fi
		return
		;;
	--kind)
		COMPREPLY=($(compgen -W "dockerfile compose kubernetes command" \
			-- "$cur"))
		return
		;;
	--fail-on)
		COMPREPLY=($(compgen -W "info low medium high critical none" \
			-- "$cur"))
		return
		;;
	--only | --skip)
		# A comma-separated list: complete its last element.
		local done=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$done" \
			-W "$(_plimsoll_rules "$exe")" -- "${cur##*,}"))
		return
		;;
	--set)
		compopt -o nospace 2>/dev/null
		COMPREPLY=($(compgen -S . -W "$(_plimsoll_rules "$exe")" \
			-- "$cur"))
		return
		;;
	-o | --output | --baseline | --write-baseline | --policy | --plugin | \
		-f | --compose-file | --config)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--policy-dir | --source-root | --output-dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	--stdin-filename | --sarif-category | --docs-url | --tag | -j | \
		--jobs | --max-file-size | --policy-memory | \
		--policy-instructions | --policy-timeout | --lint-timeout)
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_plimsoll_options "$exe" "$cmd")" \
			-- "$cur"))
		return
	fi
	case $cmd in
	explain)
		COMPREPLY=($(compgen -W "$(_plimsoll_rules "$exe")" -- "$cur"))
		;;
	test)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	scan | dump | config)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
}
complete -F _plimsoll plimsoll
