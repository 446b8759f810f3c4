{{/*
Egress every quayctl pod needs: cluster DNS and the API server. Call with
(dict "ctx" $ "apiServerCIDRs" list).
*/}}
{{- define "quayctl.networkPolicy.commonEgress" -}}
{{- $np := .ctx.Values.networkPolicy }}
    - to:
        - namespaceSelector:
            {{- toYaml $np.dns.namespaceSelector | nindent 12 }}
          podSelector:
            {{- toYaml $np.dns.podSelector | nindent 12 }}
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    - to:
        {{- range .apiServerCIDRs }}
        - ipBlock:
            cidr: {{ . }}
        {{- end }}
      ports:
        {{- range $np.apiServerPorts }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
{{- end }}
