{{/* Chart name, overridable. */}}
{{- define "quayctl.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name prefix of every resource: the release name, with the chart name appended unless the release
name already contains it. Truncated so that the longest suffix ("-operator-metrics", a Service name) still fits
in 63 characters.
*/}}
{{- define "quayctl.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 46 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 46 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 46 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "quayctl.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "quayctl.labels" -}}
helm.sh/chart: {{ include "quayctl.chart" . }}
app.kubernetes.io/name: {{ include "quayctl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: quayctl
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component; call with (dict "ctx" $ "component" "operator"). */}}
{{- define "quayctl.selectorLabels" -}}
app.kubernetes.io/name: {{ include "quayctl.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Labels of a component's pods: the selector labels, and nothing that changes with the chart
version, so that upgrading the chart alone does not restart every agent on every node.
*/}}
{{- define "quayctl.podLabels" -}}
{{ include "quayctl.selectorLabels" . }}
app.kubernetes.io/part-of: quayctl
{{- end }}

{{/* "repository:tag" or "repository@digest"; the tag defaults to the chart's appVersion. */}}
{{- define "quayctl.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{- define "quayctl.operator.fullname" -}}
{{- printf "%s-operator" (include "quayctl.fullname" .) }}
{{- end }}

{{- define "quayctl.tracker.fullname" -}}
{{- printf "%s-tracker" (include "quayctl.fullname" .) }}
{{- end }}

{{/* In-cluster base URL of the operator's tracker and metainfo index. */}}
{{- define "quayctl.tracker.url" -}}
{{- printf "http://%s.%s.svc:%d" (include "quayctl.tracker.fullname" .) .Release.Namespace (int .Values.tracker.port) }}
{{- end }}

{{/* Announce URLs agents use: the external tracker's, or the operator's own. */}}
{{- define "quayctl.tracker.announceUrls" -}}
{{- if .Values.tracker.external }}
{{- toYaml .Values.tracker.external }}
{{- else }}
- {{ printf "%s/announce" (include "quayctl.tracker.url" .) }}
{{- end }}
{{- end }}

{{/* Where a host path is mounted inside the agent container. */}}
{{- define "quayctl.agent.hostMountPath" -}}
{{- printf "/host%s" . }}
{{- end }}

{{/* The pull secrets of the quayctl images, as a pod spec field; empty when there are none. */}}
{{- define "quayctl.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/* A quantity value as given, or a number printed in full (YAML numbers are floats, which
would otherwise print as 1.048576e+08). */}}
{{- define "quayctl.quantity" -}}
{{- if kindIs "string" . }}{{ . }}{{ else }}{{ int64 . }}{{ end }}
{{- end }}
