import type {
  FirmNotifications,
  FirmNotificationsUpdate,
  MyNotifications,
  MyNotificationsUpdate,
} from '@lexbridge/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

const myKey = ['me', 'notifications'] as const;
const firmKey = ['notifications', 'firm'] as const;

/** Which events the signed-in person is emailed about. */
export function useMyNotifications() {
  return useQuery({
    queryKey: myKey,
    queryFn: ({ signal }) => api<MyNotifications>('/api/me/notifications', { signal }),
  });
}

export function useUpdateMyNotifications() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: MyNotificationsUpdate) =>
      api<MyNotifications>('/api/me/notifications', { method: 'PUT', body }),
    onSuccess: (data) => client.setQueryData(myKey, data),
  });
}

/** The firm's settings (Admins only). */
export function useFirmNotifications(enabled: boolean) {
  return useQuery({
    queryKey: firmKey,
    enabled,
    queryFn: ({ signal }) => api<FirmNotifications>('/api/notifications/firm', { signal }),
  });
}

export function useUpdateFirmNotifications() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: FirmNotificationsUpdate) =>
      api<FirmNotifications>('/api/notifications/firm', { method: 'PUT', body }),
    onSuccess: (data) => {
      client.setQueryData(firmKey, data);
      void client.invalidateQueries({ queryKey: myKey });
    },
  });
}
