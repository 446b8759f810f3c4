{{/*
One agent DaemonSet; call with (dict "ctx" $ "role" "bastion"|"worker"). The two roles differ
only in their node affinity, ServiceAccount, resources and extra args.
*/}}
{{- define "quayctl.agent.daemonset" -}}
{{- $ := .ctx }}
{{- $role := .role }}
{{- $agent := $.Values.agent }}
{{- $roleValues := index $.Values $role }}
{{- $name := printf "%s-%s" (include "quayctl.fullname" $) $role }}
{{- $runtime := $agent.runtime }}
{{- $socketDirs := list (dir $agent.containerd.socket) (dir $agent.docker.socket) | uniq }}
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ $name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "quayctl.labels" $ | nindent 4 }}
    app.kubernetes.io/component: agent
    quayctl.io/agent-role: {{ $role }}
spec:
  revisionHistoryLimit: 5
  updateStrategy:
    {{- toYaml $agent.updateStrategy | nindent 4 }}
  selector:
    matchLabels:
      {{- include "quayctl.selectorLabels" (dict "ctx" $ "component" "agent") | nindent 6 }}
      quayctl.io/agent-role: {{ $role }}
  template:
    metadata:
      labels:
        {{- include "quayctl.podLabels" (dict "ctx" $ "component" "agent") | nindent 8 }}
        quayctl.io/agent-role: {{ $role }}
        {{- with $agent.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $agent.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ $name }}
      {{- with include "quayctl.imagePullSecrets" $ }}
      {{- . | nindent 6 }}
      {{- end }}
      priorityClassName: {{ $agent.priorityClassName }}
      terminationGracePeriodSeconds: {{ $agent.terminationGracePeriodSeconds }}
      {{- if $agent.hostNetwork }}
      hostNetwork: true
      # Resolve the tracker Service's name from the host network.
      dnsPolicy: ClusterFirstWithHostNet
      {{- end }}
      securityContext:
        {{- toYaml $agent.podSecurityContext | nindent 8 }}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: {{ $.Values.bastion.nodeSelectorLabel }}
                    {{- if eq $role "bastion" }}
                    operator: In
                    {{- else }}
                    # NotIn also matches nodes without the label.
                    operator: NotIn
                    {{- end }}
                    values: [{{ $.Values.bastion.nodeSelectorValue | quote }}]
      {{- with $agent.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $agent.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: agent
          image: {{ include "quayctl.image" (dict "ctx" $ "image" $agent.image) }}
          imagePullPolicy: {{ $agent.image.pullPolicy }}
          args:
            - agent
            - --role={{ $role }}
            - --node-name=$(NODE_NAME)
            - --advertise-address=$(POD_IP)
            - --peer-port={{ $agent.peerPort }}
            - --health-port={{ $agent.healthPort }}
            - --metrics-port={{ $agent.metricsPort }}
            - --log-level={{ $agent.logLevel }}
            - --runtime={{ $runtime }}
            {{- if ne $runtime "docker" }}
            - --containerd-socket={{ include "quayctl.agent.hostMountPath" $agent.containerd.socket }}
            - --containerd-namespace={{ $agent.containerd.namespace }}
            {{- end }}
            {{- if ne $runtime "containerd" }}
            - --docker-socket={{ include "quayctl.agent.hostMountPath" $agent.docker.socket }}
            {{- end }}
            - --data-dir={{ $agent.dataDir }}
            - --store-limit={{ include "quayctl.quantity" $agent.storeLimit }}
            - --max-download-rate={{ include "quayctl.quantity" $agent.rateLimits.download }}
            - --max-upload-rate={{ include "quayctl.quantity" $agent.rateLimits.upload }}
            - --index-url={{ include "quayctl.tracker.url" $ }}
            {{- range (include "quayctl.tracker.announceUrls" $ | fromYamlArray) }}
            - --tracker={{ . }}
            {{- end }}
            {{- with $agent.extraArgs }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $roleValues.extraArgs }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          env:
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            {{- with $agent.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: peer
              containerPort: {{ $agent.peerPort }}
              {{- if not $agent.hostNetwork }}
              hostPort: {{ $agent.peerPort }}
              {{- end }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $agent.metricsPort }}
              protocol: TCP
            - name: health
              containerPort: {{ $agent.healthPort }}
              protocol: TCP
          startupProbe:
            httpGet:
              path: /healthz
              port: health
            periodSeconds: 2
            failureThreshold: 60
          # The agent fails /healthz when its runtime socket stops answering (a restarted
          # containerd replaces the socket file a bind mount still points at); the restart
          # mounts the new one.
          livenessProbe:
            httpGet:
              path: /healthz
              port: health
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /healthz
              port: health
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- toYaml (default $agent.resources $roleValues.resources) | nindent 12 }}
          securityContext:
            {{- toYaml $agent.securityContext | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: {{ $agent.dataDir }}
            - name: tmp
              mountPath: /tmp
            {{- if eq $runtime "containerd" }}
            - name: containerd-socket
              mountPath: {{ include "quayctl.agent.hostMountPath" $agent.containerd.socket }}
            {{- else if eq $runtime "docker" }}
            - name: docker-socket
              mountPath: {{ include "quayctl.agent.hostMountPath" $agent.docker.socket }}
            {{- else }}
            {{- range $i, $dir := $socketDirs }}
            - name: runtime-socket-dir-{{ $i }}
              mountPath: {{ include "quayctl.agent.hostMountPath" $dir }}
              readOnly: true
            {{- end }}
            {{- end }}
      volumes:
        - name: data
          hostPath:
            path: {{ $agent.dataDir }}
            type: DirectoryOrCreate
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- if eq $runtime "containerd" }}
        - name: containerd-socket
          hostPath:
            path: {{ $agent.containerd.socket }}
            type: Socket
        {{- else if eq $runtime "docker" }}
        - name: docker-socket
          hostPath:
            path: {{ $agent.docker.socket }}
            type: Socket
        {{- else }}
        # auto: a node may have either runtime. A socket hostPath that does not exist would be
        # created as a directory, so mount the directories holding the sockets instead.
        {{- range $i, $dir := $socketDirs }}
        - name: runtime-socket-dir-{{ $i }}
          hostPath:
            path: {{ $dir }}
            type: DirectoryOrCreate
        {{- end }}
        {{- end }}
{{- end }}
