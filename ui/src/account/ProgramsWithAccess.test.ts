import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { answer, invoke, settle } from '../test/tauri'
import ProgramsWithAccess from './ProgramsWithAccess.svelte'

describe('ProgramsWithAccess', () => {
  it('says when no program may take the token without asking', async () => {
    answer('programs_with_access', [])
    render(ProgramsWithAccess, { accountId: 7 })
    await settle()
    expect(screen.getByTestId('programs-with-access').textContent).toContain('No program may take')
  })

  it('lists the programs, and Remove makes one ask again', async () => {
    let programs = [{ executable: '/usr/bin/thunderbird', allowed_at: 1_700_000_000, last_used: 1_700_000_600 }]
    answer('programs_with_access', () => programs)
    answer('remove_program_access', () => {
      programs = []
    })
    render(ProgramsWithAccess, { accountId: 7 })
    await settle()
    const row = screen.getByTestId('program-row')
    expect(row.textContent).toContain('/usr/bin/thunderbird')
    expect(row.textContent).toContain('last took it')
    await fireEvent.click(screen.getByRole('button', { name: 'Remove /usr/bin/thunderbird' }))
    await settle()
    expect(invoke).toHaveBeenCalledWith('remove_program_access', { account: 7, executable: '/usr/bin/thunderbird' })
    expect(screen.queryByTestId('program-row')).toBeNull()
  })
})
