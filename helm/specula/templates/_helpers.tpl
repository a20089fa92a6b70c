{{/* Names: every object is "<release>-<chart>-<component>", cut to the 63 characters DNS allows. */}}
{{- define "specula.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one component: (dict "root" $ "component" "verifier"). */}}
{{- define "specula.componentName" -}}
{{- printf "%s-%s" (include "specula.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "specula.labels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{ include "specula.selectorLabels" . }}
{{- end -}}

{{- define "specula.selectorLabels" -}}
app.kubernetes.io/part-of: {{ include "specula.fullname" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
Resources with the GPU request: the component's resources, plus gpu.count of gpu.resource in limits (which
Kubernetes also takes as the request for extended resources). The one place GPUs are requested.
*/}}
{{- define "specula.resources" -}}
{{- $resources := deepCopy (.resources | default dict) -}}
{{- if gt (int .gpu.count) 0 -}}
{{- $limits := get $resources "limits" | default dict -}}
{{- $_ := set $limits .gpu.resource (int .gpu.count) -}}
{{- $_ := set $resources "limits" $limits -}}
{{- end -}}
{{- toYaml $resources -}}
{{- end -}}

{{/* The router's gRPC target of a headless Service: every ready pod's address, balanced round-robin. */}}
{{- define "specula.dnsTarget" -}}
{{- printf "dns:///%s.%s.svc.cluster.local:%d" (include "specula.componentName" .) .root.Release.Namespace (int .port) -}}
{{- end -}}

{{/*
One Deployment of the image with a role: (dict "root" $ "component" NAME "role" router|verifier|drafter
"values" THE_COMPONENT_BLOCK "configMap" NAME "configFile" FILE). Non-root, read-only root file system
(/tmp an emptyDir), native gRPC probes on grpc.health.v1, drained on termination.
*/}}
{{- define "specula.deployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- $metricsPort := include "specula.metricsPort" (dict "root" $root "role" .role) | int -}}
{{- $auth := and (eq .role "router") $root.Values.auth.enabled -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "specula.componentName" . }}
  labels:
    {{- include "specula.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "specula.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "specula.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ .configText | sha256sum }}
        {{- if and $metricsPort $root.Values.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $metricsPort | quote }}
        prometheus.io/path: /metrics
        {{- end }}
    spec:
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- with $v.runtimeClassName }}
      runtimeClassName: {{ . }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .role }}
          image: "{{ $root.Values.image.repository }}:{{ $root.Values.image.tag | default $root.Chart.AppVersion }}"
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: [{{ .role | quote }}, "--config", "/etc/specula/{{ .configFile }}"]
          env:
            - name: JDK_JAVA_OPTIONS
              value: {{ printf "-XX:MaxRAMPercentage=%v %s" $root.Values.jvm.maxRamPercentage $root.Values.jvm.extraOptions | trim | quote }}
          ports:
            - name: grpc
              containerPort: {{ $v.port }}
              protocol: TCP
            {{- if $v.httpPort }}
            - name: http
              containerPort: {{ $v.httpPort }}
              protocol: TCP
            {{- end }}
            {{- if $metricsPort }}
            - name: metrics
              containerPort: {{ $metricsPort }}
              protocol: TCP
            {{- end }}
          # Readiness: the "readiness" health service (NOT_SERVING while draining or after a backend failure);
          # liveness and startup: the whole server ("", NOT_SERVING only after a backend failure).
          readinessProbe:
            grpc:
              port: {{ $v.port }}
              service: readiness
            periodSeconds: 5
            failureThreshold: 2
          livenessProbe:
            grpc:
              port: {{ $v.port }}
            periodSeconds: 10
            failureThreshold: 3
          startupProbe:
            grpc:
              port: {{ $v.port }}
            periodSeconds: 5
            failureThreshold: 60
          lifecycle:
            preStop:
              sleep:
                seconds: {{ $v.preStopSleepSeconds }}
          resources:
            {{- include "specula.resources" $v | nindent 12 }}
          securityContext:
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
          volumeMounts:
            - {name: config, mountPath: /etc/specula/{{ .configFile }}, subPath: {{ .configFile }}, readOnly: true}
            - {name: tmp, mountPath: /tmp}
            {{- if $root.Values.models.volume }}
            - {name: models, mountPath: {{ $root.Values.models.path }}, readOnly: true}
            {{- end }}
            {{- if $root.Values.tls.enabled }}
            - {name: tls, mountPath: {{ $root.Values.tls.mountPath }}, readOnly: true}
            {{- end }}
            {{- if $auth }}
            # No subPath: the kubelet swaps the whole folder when the Secret changes, and the router re-reads it.
            - {name: auth-tokens, mountPath: {{ $root.Values.auth.mountPath }}, readOnly: true}
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ .configMap }}
        - name: tmp
          emptyDir: {}
        {{- with $root.Values.models.volume }}
        - name: models
          {{- toYaml . | nindent 10 }}
        {{- end }}
        {{- if $root.Values.tls.enabled }}
        - name: tls
          secret:
            secretName: {{ $root.Values.tls.secretName }}
        {{- end }}
        {{- if $auth }}
        - name: auth-tokens
          secret:
            secretName: {{ $root.Values.auth.tokensSecret }}
            items:
              - {key: tokens, path: tokens}
        {{- end }}
{{- end -}}

{{/*
A Service: headless (every pod's address in DNS, for client-side balancing) unless a type is given; its ports
grpc, http (when values.httpPort) and metrics (when metrics are on). (dict "root" $ "component" NAME "role" ROLE
"values" BLOCK ["type" TYPE] ["metricsOnly" true]): metricsOnly renders a headless Service of the metrics port
alone, named COMPONENT-metrics, for a router whose own Service is reachable from outside the cluster.
*/}}
{{- define "specula.service" -}}
{{- $metricsPort := include "specula.metricsPort" (dict "root" .root "role" .role) | int -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "specula.componentName" (dict "root" .root "component" (printf "%s%s" .component (ternary "-metrics" "" (.metricsOnly | default false)))) }}
  labels:
    {{- include "specula.labels" . | nindent 4 }}
spec:
  {{- if and .type (not .metricsOnly) }}
  type: {{ .type }}
  {{- else }}
  clusterIP: None
  {{- end }}
  selector:
    {{- include "specula.selectorLabels" . | nindent 4 }}
  ports:
    {{- if not .metricsOnly }}
    - name: grpc
      port: {{ .values.port }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
    {{- if .values.httpPort }}
    - name: http
      port: {{ .values.httpPort }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    {{- end }}
    {{- end }}
    {{- if and $metricsPort (or .metricsOnly (not .type) (eq .type "ClusterIP")) }}
    - name: metrics
      port: {{ $metricsPort }}
      targetPort: metrics
      protocol: TCP
      appProtocol: http
    {{- end }}
{{- end -}}

{{/*
A prometheus-operator ServiceMonitor of one component's Service, when metrics.serviceMonitor.enabled:
(dict "root" $ "component" NAME).
*/}}
{{- define "specula.serviceMonitor" -}}
{{- $sm := .root.Values.metrics.serviceMonitor -}}
{{- if $sm.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "specula.componentName" . }}
  labels:
    {{- /* merged, so that a label given again in serviceMonitor.labels is not a duplicate key */}}
    {{- mergeOverwrite (include "specula.labels" . | fromYaml) ($sm.labels | default dict) | toYaml | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "specula.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: metrics
      path: /metrics
      scheme: http
      interval: {{ $sm.interval }}
      {{- with $sm.scrapeTimeout }}
      scrapeTimeout: {{ . }}
      {{- end }}
{{- end }}
{{- end -}}

{{/* A HorizontalPodAutoscaler on CPU, when values.autoscaling.enabled. */}}
{{- define "specula.hpa" -}}
{{- $a := .values.autoscaling -}}
{{- if $a.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "specula.componentName" . }}
  labels:
    {{- include "specula.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "specula.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/* A PodDisruptionBudget, when values.podDisruptionBudget.enabled. */}}
{{- define "specula.pdb" -}}
{{- $p := .values.podDisruptionBudget -}}
{{- if $p.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "specula.componentName" . }}
  labels:
    {{- include "specula.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ $p.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "specula.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}
