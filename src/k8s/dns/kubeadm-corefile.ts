// The Corefile kubeadm writes into kube-system/coredns: the healthy DNS every
// lab starts with, and what scenarios that break DNS are compared against.
/** kubeadm's default Corefile (the template kubeadm writes into the coredns ConfigMap). */
export const KUBEADM_DEFAULT_COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;
