# bash completion for jwg (userspace WireGuard in Java).
# Install: jwg completion bash | sudo tee /etc/bash_completion.d/jwg >/dev/null
#      or: source <(jwg completion bash)        (in ~/.bashrc)

_jwg_interfaces() {
    local d
    for d in "${JWG_UAPI_DIR:-}" /var/run/wireguard "${TMPDIR:-/tmp}/jwg-$(id -u 2>/dev/null)"; do
        [ -n "$d" ] && [ -d "$d" ] || continue
        local s
        for s in "$d"/*.sock; do
            [ -e "$s" ] || continue
            s=${s##*/}
            printf '%s\n' "${s%.sock}"
        done
    done 2>/dev/null | sort -u
}

_jwg() {
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="demo up down exec show status doctor probe bench signal relay genkey pubkey genpsk completion version help"

    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands -f --foreground -h --help --version" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    case $cmd in
        demo)       COMPREPLY=($(compgen -W "--memory --help" -- "$cur")) ;;
        up)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--rootless -f --foreground --help" -- "$cur"))
            else
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -X '!*.conf' -- "$cur") $(compgen -d -- "$cur"))
            fi ;;
        down|exec)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "$(_jwg_interfaces) --help" -- "$cur"))
            elif [ "$cmd" = exec ] && [ "$COMP_CWORD" -eq 3 ]; then
                COMPREPLY=($(compgen -W "--" -- "$cur"))
            elif [ "$cmd" = exec ]; then
                COMPREPLY=($(compgen -c -- "$cur"))
            fi ;;
        show)       COMPREPLY=($(compgen -W "all interfaces $(_jwg_interfaces) --help" -- "$cur")) ;;
        status)     COMPREPLY=($(compgen -W "-d --detail --json --help $(_jwg_interfaces)" -- "$cur")) ;;
        doctor)     COMPREPLY=($(compgen -W "--json --help $(_jwg_interfaces)" -- "$cur")) ;;
        probe)      COMPREPLY=($(compgen -W "--json -t --peer --help" -- "$cur") $(compgen -f -X '!*.conf' -- "$cur")) ;;
        bench)
            case $prev in
                -t|-r|-p|-w|-f) return ;;
                --json|--svg|-j) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "-t -r -p -w -f --json --svg --help" -- "$cur"))
            else
                # PAIR is SENDER:RECEIVER; bash splits words at ':' (COMP_WORDBREAKS), so each side completes alone
                local impls="jwg jwg-nooff jwg-w2 wireguard-go modern"
                if [ "$cur" = : ]; then
                    COMPREPLY=($(for i in $impls; do printf ':%s\n' "$i"; done))
                else
                    COMPREPLY=($(compgen -W "$impls" -- "$cur"))
                fi
            fi ;;
        signal)     COMPREPLY=($(compgen -W "--listen --help" -- "$cur")) ;;
        relay)      COMPREPLY=($(compgen -W "--listen --relay-ip --ports --realm --user --users --quota --stats --help" -- "$cur")) ;;
        completion) COMPREPLY=($(compgen -W "bash" -- "$cur")) ;;
        help)       [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
        -f|--foreground) ;;
        *)          COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
    esac
}

complete -F _jwg jwg
